/* version — the one place the release number lives. */
#pragma once
#define HAAZRI_VERSION "0.1.0"
