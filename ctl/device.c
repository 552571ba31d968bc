/* device — the kiosk itself: status at a glance, the device settings, the lights' wiring test. */
#include "ctl/ctl.h"

#include <string.h>

#include "app/settings.h"
#include "app/status.h"
#include "drivers/leds.h"
#include "app/strings.h"

/* ---- status ---- */


int cmd_status(int argc, char **argv)
{
    if (!parse("status", "", "the kiosk at a glance: identity, database, queue, scanner, lights, display, disk",
               NULL, TRUE, &argc, &argv))
        return 2;
    g_autoptr(Config) config = load_config();
    if (!config)
        return 2;
    g_autofree char *db = config_get_db_path(config);
    g_autoptr(GError) error = NULL;
    g_autoptr(Store) store = g_file_test(db, G_FILE_TEST_EXISTS) ? store_open(db, &error) : NULL;
    g_auto(Status) st;
    status_collect(config, store, error ? error->message : "no database yet", &st);
    if (ctl_as_json) {
        g_autoptr(JsonBuilder) b = json_builder_new();
        json_builder_begin_object(b);
        add_string(b, "version", st.version);
        add_string(b, "device_id", st.device_id);
        add_string(b, "office", st.office);
        add_string(b, "config", st.config_path);
        add_string(b, "database", st.db_path);
        add_string(b, "database_error", st.store_ok ? NULL : st.store_error);
        add_string(b, "ownership_problem", st.ownership);
        if (st.store_ok) {
            add_int(b, "probationers_active", st.store.probationers_active);
            add_int(b, "fingers", st.store.fingers);
            add_int(b, "checkins_today", st.store.checkins_today);
            add_int(b, "queue_length", st.store.pending);
            add_string(b, "oldest_unsent", *st.store.oldest_pending ? st.store.oldest_pending : NULL);
        }
        add_string(b, "scanner", st.scanners);
        add_string(b, "leds", st.leds);
        add_string(b, "display", st.display);
        add_int(b, "disk_free_mb", (gint64)st.disk_free_mb);
        add_int(b, "disk_total_mb", (gint64)st.disk_total_mb);
        json_builder_set_member_name(b, "disk_low");
        json_builder_add_boolean_value(b, st.disk_low);
        json_builder_end_object(b);
        print_json(b);
        return 0;
    }
    printf("version:       %s\ndevice id:     %s\noffice:        %s\nconfig:        %s\ndatabase:      %s\n",
           st.version, st.device_id, st.office, st.config_path, st.db_path);
    if (st.store_ok)
        printf("probationers:  %" G_GINT64_FORMAT " active, %" G_GINT64_FORMAT " fingers enrolled\n"
               "today:         %" G_GINT64_FORMAT " checked in\n"
               "queue:         %" G_GINT64_FORMAT " check-ins not yet at the central server%s%s\n",
               st.store.probationers_active, st.store.fingers, st.store.checkins_today, st.store.pending,
               *st.store.oldest_pending ? ", oldest " : "", st.store.oldest_pending);
    else
        printf("database:      %s\n", st.store_error);
    if (st.ownership)
        printf("ownership:     %s\n", st.ownership);
    printf("scanner:       %s\nlights:        %s\ndisplay:       %s\ndisk:          %" G_GUINT64_FORMAT
           " MB free of %" G_GUINT64_FORMAT " MB%s\n",
           st.scanners, st.leds, st.display, st.disk_free_mb, st.disk_total_mb,
           st.disk_low ? " — ALMOST FULL" : "");
    return 0;
}

/* ---- settings ---- */

/* What an administrator changed on the kiosk's screen, beside the file's values; set and reset
 * from here too (the same checks and audit rows). A running kiosk takes a change made here at its
 * next start. */
int cmd_settings(int argc, char **argv)
{
    if (!parse("settings", "[set NAME VALUE | reset NAME]",
               "the settings changed on the device (they lie over haazri.conf): list, set, reset", NULL, TRUE, &argc,
               &argv))
        return 2;
    g_auto(Admin) admin = {0};
    int failed = open_admin(&admin);
    if (failed)
        return failed;
    g_autoptr(GError) error = NULL;
    if (argc >= 2 && (strcmp(argv[1], "set") == 0 || strcmp(argv[1], "reset") == 0)) {
        gboolean set = strcmp(argv[1], "set") == 0;
        if (argc != (set ? 4 : 3)) {
            fprintf(stderr, "haazri-ctl settings: usage: settings set NAME VALUE | settings reset NAME\n");
            return 2;
        }
        if (!settings_set(admin.store, actor(), argv[2], set ? argv[3] : NULL, &error)) {
            fprintf(stderr, "haazri-ctl settings: %s\n", error->message);
            return 1;
        }
        printf("%s %s (the kiosk takes it at its next start: systemctl restart haazri)\n", argv[2],
               set ? argv[3] : "back to haazri.conf's value");
        return 0;
    }
    if (argc != 1) {
        fprintf(stderr, "haazri-ctl settings: the actions are: set NAME VALUE, reset NAME (none: list)\n");
        return 2;
    }
    g_autoptr(GPtrArray) stored = store_list_settings(admin.store, &error);
    if (!stored) {
        fprintf(stderr, "haazri-ctl settings: %s\n", error->message);
        return 1;
    }
    guint n;
    const SettingInfo *all = settings_list(&n);
    g_autoptr(JsonBuilder) b = json_builder_new();
    json_builder_begin_array(b);
    for (guint i = 0; i < n; i++) {
        const StoreSetting *row = NULL;
        for (guint k = 0; k < stored->len; k++)
            if (strcmp(((StoreSetting *)stored->pdata[k])->name, all[i].name) == 0)
                row = stored->pdata[k];
        g_autofree char *file = settings_get(admin.config->keyfile, all[i].name);
        if (ctl_as_json) {
            json_builder_begin_object(b);
            add_string(b, "name", all[i].name);
            add_string(b, "value", row ? row->value : file);
            add_string(b, "file_value", file);
            add_string(b, "changed_by", row ? row->changed_by : NULL);
            add_string(b, "changed_at", row ? row->changed_at : NULL);
            json_builder_end_object(b);
        } else if (row) {
            printf("%-18s %-12s set on this kiosk by %s at %s (haazri.conf: %s)\n", all[i].name, row->value,
                   row->changed_by, row->changed_at, file);
        } else {
            printf("%-18s %-12s from haazri.conf or the default\n", all[i].name, file);
        }
    }
    json_builder_end_array(b);
    if (ctl_as_json)
        print_json(b);
    return 0;
}

/* ---- leds ---- */

int cmd_leds(int argc, char **argv)
{
    if (!parse("leds", "test", "light every LED and sound the buzzer in turn, to check the wiring", NULL, FALSE, &argc, &argv))
        return 2;
    if (!expect_action("leds", argc, argv, "test"))
        return 2;
    g_autoptr(Config) config = load_config();
    if (!config)
        return 2;
    g_auto(LedsConfig) lc;
    leds_config_init(&lc);
    g_autoptr(GError) error = NULL;
    if ((config->keyfile && !leds_config_load(config->keyfile, config->path, &lc, &error)) ||
        !leds_run_wiring_test(&lc, &error)) {
        fprintf(stderr, "haazri-ctl leds: %s\n", error->message);
        return 1;
    }
    printf("every light and the buzzer were switched on in turn\n");
    return 0;
}


/* The spoken prompts, one per line: NAME<TAB>LANG<TAB>TEXT (scripts/make-prompts.sh synthesises
 * each into NAME-LANG.wav). From the screen's one translation table, so speech and screen agree. */
int cmd_prompts(int argc, char **argv)
{
    if (!parse("prompts", "", "print the spoken prompts (used by make prompts)", NULL, FALSE, &argc, &argv))
        return 2;
    for (int l = 0; l < LANG_COUNT; l++) {
        for (int id = 0; id < STR_COUNT; id++)
            if (strings_is_spoken((StringId)id))
                printf("%s\t%s\t%s\n", strings_name((StringId)id), strings_lang_code((Lang)l),
                       strings_get((StringId)id, (Lang)l));
        for (const char *const *q = strings_question_ids(); *q; q++)
            printf("q_%s\t%s\t%s\n", *q, strings_lang_code((Lang)l), strings_question(*q, (Lang)l));
    }
    return 0;
}
