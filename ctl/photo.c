/* photo — haazri-ctl photo CASE FILE|--remove: the photo the check-in screen shows beside the name. */
#include "ctl/ctl.h"

#include <string.h>

#include "app/photo-set.h"
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
    gboolean ok = store_find_probationer(admin.store, argv[1], &p, &error) &&
                  photo_set_for(admin.store, &p, photo, NULL, actor(), &error);
    store_probationer_clear(&p);
    if (!ok) {
        fprintf(stderr, "haazri-ctl photo: %s\n", error->message);
        return 1;
    }
    printf("%s: photo %s\n", argv[1], photo ? "set" : "removed");
    return 0;
}
