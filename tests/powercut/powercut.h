/* powercut — the power-cut storm (docs/powercut.md): storm.c cuts the power under writer.c, again
 * and again, on tests/powercut/lazyfs.c, and checks after every cut that nothing confirmed is lost.
 *
 * What the writer confirms goes to the "screen" file (outside the file system that loses power,
 * as a person's eyes are), one line each, only after the call that made it durable returned:
 *   C <uuid> <result>   a check-in shown on the screen (recorded, duplicate, not_recognised)
 *   E <case>            an enrollment the officer was told is saved
 *   R <case>            a roster page from the centre that was applied (one new person in it)
 *   A <detail>          an officer's audit row written */
#pragma once

/* The writer: one boot of the kiosk's data path, running until it is killed (or, with `drain`,
 * until every check-in and audit row is at the centre). Returns the exit status. */
int powercut_writer(const char *conf, const char *screen, const char *print_file, int session, gboolean drain);
