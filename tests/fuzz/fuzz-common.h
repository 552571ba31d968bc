/* fuzz-common — what every libFuzzer harness in tests/fuzz/ shares: GLib's log output silenced (a
 * warning per input would be most of the time spent), so only a crash, a sanitizer report or an
 * abort stops a run. See tests/fuzz/README.md. */
#pragma once

#include <glib.h>
#include <signal.h>
#include <stddef.h>
#include <stdlib.h>
#include <stdint.h>

static GLogWriterOutput fuzz_quiet(GLogLevelFlags level, const GLogField *fields, gsize n, gpointer data)
{
    (void)fields;
    (void)n;
    (void)data;
    /* g_error and criticals still abort: those are findings. */
    if (level & (G_LOG_LEVEL_ERROR | G_LOG_FLAG_FATAL))
        return G_LOG_WRITER_UNHANDLED;
    return G_LOG_WRITER_HANDLED;
}

/* g_error() and GLib's own fatal checks stop with SIGTRAP, which libFuzzer doesn't catch: make it
 * an abort, so the input is saved like any other crash. */
static void fuzz_trap_is_abort(int sig)
{
    (void)sig;
    abort();
}

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    g_log_set_writer_func(fuzz_quiet, NULL, NULL);
    signal(SIGTRAP, fuzz_trap_is_abort);
    return 0;
}
