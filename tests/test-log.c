/* test-log — log and terminal text reads right in the C and UTF-8 locales: "—" and Urdu come out
 * as the UTF-8 they are, never as '?' (GLib's conversion to the locale's character set, which is
 * ASCII for a program that never set a locale, did that to every g_message and g_printerr). Through
 * app/log.h in a subprocess, and through a real program (haazri-ctl's help). */
#include <locale.h>
#include <string.h>
#include <sys/wait.h>

#include "app/log.h"

static const char *const locales[] = {"C", "C.UTF-8"};

/* The child logs, prints and prints an error in `locale`; what reaches its streams is compared. */
static void test_in_locale(gconstpointer data)
{
    const char *locale = data;
    if (g_test_subprocess()) {
        g_setenv("LC_ALL", locale, TRUE);
        setlocale(LC_ALL, "");
        log_use_utf8();
        g_message("sync: off — the centre is unreachable (حاضری)");
        g_log("haazri-sound", G_LOG_LEVEL_MESSAGE, "a domain — too");
        g_printerr("haazri: a bad value — expected 1-100\n");
        g_print("checked in — Fatima Bibi (فاطمہ بی بی)\n");
        return;
    }
    g_test_trap_subprocess(NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
    g_test_trap_assert_passed();
    g_test_trap_assert_stderr("*Message: ??:??:??.???: sync: off — the centre is unreachable (حاضری)\n*");
    g_test_trap_assert_stderr("*haazri-sound-Message: ??:??:??.???: a domain — too\n*");
    g_test_trap_assert_stderr("*haazri: a bad value — expected 1-100\n*");
    g_test_trap_assert_stdout("*checked in — Fatima Bibi (فاطمہ بی بی)\n*");
}

/* haazri-ctl's help goes through GLib's g_print: the summary line keeps its dash. */
static void test_program(gconstpointer data)
{
    const char *build = g_getenv("HAAZRI_BUILD");
    g_autofree char *exe = g_build_filename(build ? build : "build", "haazri-ctl", NULL);
    g_autofree char *lc = g_strdup_printf("LC_ALL=%s", (const char *)data);
    char *argv[] = {"env", lc, "LANG=", exe, "list", "--help", NULL};
    g_autofree char *out = NULL;
    int status = 0;
    g_assert_true(g_spawn_sync(NULL, argv, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_STDERR_TO_DEV_NULL, NULL, NULL, &out,
                               NULL, &status, NULL));
    g_assert_true(g_spawn_check_wait_status(status, NULL));
    g_assert_nonnull(strstr(out, " — list enrolled probationers"));
    g_assert_null(strstr(out, " ? list"));
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    for (guint i = 0; i < G_N_ELEMENTS(locales); i++) {
        g_autofree char *a = g_strdup_printf("/log/utf8-in-the-%s-locale", locales[i]);
        g_autofree char *b = g_strdup_printf("/log/haazri-ctl-help-in-the-%s-locale", locales[i]);
        g_test_add_data_func(a, locales[i], test_in_locale);
        g_test_add_data_func(b, locales[i], test_program);
    }
    return g_test_run();
}
