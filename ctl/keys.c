/* keys — the key of the sealed names and fingerprints (key rotate), and the enrollments made here
 * written to a file for the centre's `haazri-receiver roster load` (a USB stick instead of the network). */
#include "ctl/ctl.h"

#include <string.h>

#include "app/store/store-roster.h"
#include "sync/protocol.h"

int cmd_key(int argc, char **argv)
{
    if (!parse("key", "rotate", "a new key for the names and fingerprints sealed in haazri.db", NULL, FALSE, &argc, &argv))
        return 2;
    if (argc != 2 || strcmp(argv[1], "rotate") != 0) {
        fprintf(stderr, "haazri-ctl key: the only action is \"rotate\"\n");
        return 2;
    }
    g_auto(Admin) a = {0};
    int failed = open_admin(&a);
    if (failed)
        return failed;
    g_autoptr(GError) error = NULL;
    guint rows = 0;
    if (!store_rotate_key(a.store, actor(), &rows, &error)) {
        fprintf(stderr, "haazri-ctl key rotate: %s\n", error->message);
        return 1;
    }
    printf("a new key seals the names and fingerprints (%u rows re-sealed); the old key is gone\n", rows);
    return 0;
}

int cmd_enrollments(int argc, char **argv)
{
    g_autofree char *out = NULL;
    GOptionEntry entries[] = {
        {"out", 0, 0, G_OPTION_ARG_FILENAME, &out, "the file to write (for haazri-receiver roster load)", "FILE"},
        {NULL, 0, 0, 0, NULL, NULL, NULL},
    };
    if (!parse("enrollments", "export --out FILE", "the fingers enrolled here that the centre does not have yet, "
               "as a roster file", entries, FALSE, &argc, &argv))
        return 2;
    if (argc != 2 || strcmp(argv[1], "export") != 0 || !out) {
        fprintf(stderr, "haazri-ctl enrollments: give \"export --out FILE\"\n");
        return 2;
    }
    g_auto(Admin) a = {0};
    int failed = open_admin(&a);
    if (failed)
        return failed;
    g_autoptr(GError) error = NULL;
    g_autoptr(GArray) keys = store_enrollment_keys_new();
    g_autoptr(StoreRoster) r = store_enrollments_unsent(a.store, 100000, keys, &error);
    g_autofree char *json = r ? protocol_build_roster(r) : NULL;
    /* Templates are personal data: the file is readable by its owner only. */
    if (!json || !g_file_set_contents_full(out, json, -1, G_FILE_SET_CONTENTS_CONSISTENT, 0600, &error) ||
        !store_audit(a.store, actor(), "enrollments.export", out, NULL, &error)) {
        fprintf(stderr, "haazri-ctl enrollments export: %s\n", error->message);
        return 1;
    }
    printf("%u probationers written to %s\n", r->people->len, out);
    return 0;
}
