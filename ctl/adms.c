/* adms — haazri-ctl's side of an ADMS ("iclock") attendance server (sync/adms.h): each
 * probationer's PIN there, the ADMS lines of `sync status` and the ADMS pass of `sync now`. */
#include "ctl/ctl.h"

#include <string.h>

#include "app/store/store-adms.h"
#include "sync/adms.h"

int cmd_adms_pin(int argc, char **argv)
{
    gboolean clear = FALSE;
    GOptionEntry entries[] = {
        {"clear", 0, 0, G_OPTION_ARG_NONE, &clear, "the probationer has no PIN there any more", NULL},
        {NULL, 0, 0, 0, NULL, NULL, NULL},
    };
    if (!parse("adms-pin", "CASE PIN | CASE --clear | CASE",
               "the PIN a probationer has at the ADMS attendance server (show, set or clear it); their check-ins "
               "go there under it",
               entries, FALSE, &argc, &argv))
        return 2;
    if (argc < 2 || argc > 3 || (clear && argc != 2)) {
        fprintf(stderr, "haazri-ctl adms-pin: give a case number and a PIN (or --clear)\n");
        return 2;
    }
    g_auto(Admin) a = {0};
    int rc = open_admin(&a);
    if (rc)
        return rc;
    g_autoptr(GError) error = NULL;
    StoreProbationer p = {0};
    if (!store_find_probationer(a.store, argv[1], &p, &error)) {
        fprintf(stderr, "haazri-ctl adms-pin: %s\n", error->message);
        return 1;
    }
    store_probationer_clear(&p);
    if (argc == 2 && !clear) {
        g_autofree char *pin = store_get_adms_pin(a.store, argv[1]);
        printf("%s: %s\n", argv[1], pin ? pin : "no ADMS PIN");
        return 0;
    }
    const char *pin = clear ? NULL : argv[2];
    if (!store_set_adms_pin(a.store, argv[1], pin, actor(), &error)) {
        fprintf(stderr, "haazri-ctl adms-pin: %s\n", error->message);
        return 1;
    }
    if (pin)
        printf("%s: ADMS PIN %s (check-ins not yet acknowledged by the ADMS server go under it)\n", argv[1], pin);
    else
        printf("%s: no ADMS PIN; their check-ins no longer go to the ADMS server\n", argv[1]);
    return 0;
}

void ctl_adms_status(Admin *a, JsonBuilder *b)
{
    g_autofree char *state = NULL, *last_error = NULL;
    gint64 pending = 0;
    g_auto(AdmsConfig) ac;
    adms_config_init(&ac);
    adms_config_load(a->config->keyfile, a->config->path, a->config->device_id, &ac, NULL);
    gboolean ran = adms_read_status(a->store, &state, &pending, &last_error);
    if (!*ac.server && !ran)
        return;
    g_autofree char *server = *ac.server ? g_strdup(ac.server) : store_get_meta(a->store, "adms.server");
    if (!ran)
        pending = store_adms_count_punches(a->store, 0);
    const char *shown = !*ac.server ? "off" : ran ? state : "not started";
    if (b) {
        json_builder_set_member_name(b, "adms");
        json_builder_begin_object(b);
        add_string(b, "server", server);
        add_string(b, "serial", ac.serial);
        add_string(b, "state", shown);
        add_int(b, "queue_length", pending);
        add_string(b, "last_error", last_error && *last_error ? last_error : NULL);
        json_builder_end_object(b);
        return;
    }
    printf("ADMS server:    %s, serial %s: %s\n", server ? server : "?", ac.serial, shown);
    printf("ADMS queue:     %" G_GINT64_FORMAT " check-ins waiting\n", pending);
    if (last_error && *last_error)
        printf("ADMS problem:   %s\n", last_error);
}

typedef struct {
    GMainLoop *loop;
    char *error;
} AdmsWait;

static void on_adms_once(const GError *error, gpointer data)
{
    AdmsWait *w = data;
    w->error = error ? g_strdup(error->message) : NULL;
    g_main_loop_quit(w->loop);
}

int ctl_adms_sync_now(Admin *a)
{
    g_auto(AdmsConfig) ac;
    adms_config_init(&ac);
    g_autoptr(GError) error = NULL;
    if (!adms_config_load(a->config->keyfile, a->config->path, a->config->device_id, &ac, &error)) {
        fprintf(stderr, "haazri-ctl sync now: %s\n", error->message);
        return 1;
    }
    if (!*ac.server)
        return -1;
    g_autoptr(Adms) adms = adms_new(&ac, a->store, a->config->office, &error);
    if (!adms) {
        fprintf(stderr, "haazri-ctl sync now: %s\n", error->message);
        return 1;
    }
    gint64 before = adms_get_status(adms)->pending;
    AdmsWait w = {.loop = g_main_loop_new(NULL, FALSE)};
    adms_run_once(adms, on_adms_once, &w);
    g_main_loop_run(w.loop);
    g_main_loop_unref(w.loop);
    const AdmsStatus *st = adms_get_status(adms);
    /* Delivered = what waited less what still waits (a check-in recorded meanwhile only makes it
     * smaller, never wrong the other way). */
    printf("ADMS: %" G_GINT64_FORMAT " check-ins delivered to %s; %" G_GINT64_FORMAT " waiting; serial %s %s\n",
           MAX(0, before - st->pending), ac.server, st->pending, ac.serial, adms_state_name(st->state));
    if (w.error) {
        fprintf(stderr, "haazri-ctl sync now: %s\n", w.error);
        g_free(w.error);
        return 1;
    }
    return 0;
}
