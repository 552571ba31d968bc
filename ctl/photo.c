/* photo — haazri-ctl photo CASE FILE|--remove: the photo the check-in screen shows beside the name. */
#include "ctl/ctl.h"

#include <string.h>

#include "app/photo.h"

int cmd_photo(int argc, char **argv)
{
    gboolean remove = FALSE;
    const GOptionEntry extra[] = {
        {"remove", 0, 0, G_OPTION_ARG_NONE, &remove, "remove the photo", NULL},
        {NULL, 0, 0, 0, NULL, NULL, NULL},
    };
    if (!parse("photo", "CASE FILE", "set the photo shown when a probationer checks in (JPEG or PNG, at most "
               "200 KB and 1024x1024 pixels)", extra, FALSE, &argc, &argv))
        return 2;
    if (argc != (remove ? 2 : 3)) {
        fprintf(stderr, "haazri-ctl photo: give a case number and a JPEG or PNG file (or --remove)\n");
        return 2;
    }
    g_autoptr(GError) error = NULL;
    g_autoptr(GBytes) photo = remove ? NULL : photo_load_file(argv[2], &error);
    if (!remove && !photo) {
        fprintf(stderr, "haazri-ctl photo: %s\n", error->message);
        return 1;
    }
    g_auto(Admin) admin = {0};
    int failed = open_admin(&admin);
    if (failed)
        return failed;
    StoreProbationer p = {0};
    g_autofree char *detail = photo ? g_strdup_printf("%zu bytes", g_bytes_get_size(photo)) : g_strdup("removed");
    gboolean ok = store_find_probationer(admin.store, argv[1], &p, &error) &&
                  store_set_photo(admin.store, p.id, photo, &error) &&
                  store_audit(admin.store, actor(), "probationer.photo", argv[1], detail, &error);
    store_probationer_clear(&p);
    if (!ok) {
        fprintf(stderr, "haazri-ctl photo: %s\n", error->message);
        return 1;
    }
    printf("%s: photo %s\n", argv[1], photo ? "set" : "removed");
    return 0;
}
