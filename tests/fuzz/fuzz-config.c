/* fuzz-config — haazri.conf as the kiosk reads it (config_load, then [sync]), from a file. */
#include <unistd.h>

#include "app/config.h"
#include "sync/sync.h"
#include "tests/fuzz/fuzz-common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static char *path;
    if (!path)
        path = g_strdup_printf("%s/haazri-fuzz-config-%d.conf", g_get_tmp_dir(), (int)getpid());
    /* Without fsync (what g_file_set_contents does here): 20 ms an input otherwise. */
    if (!g_file_set_contents_full(path, (const char *)data, (gssize)size, G_FILE_SET_CONTENTS_NONE, 0600, NULL))
        return 0;
    Config *c = config_load(path, NULL);
    if (c) {
        SyncConfig sc;
        sync_config_init(&sc);
        sync_config_load(c->keyfile, path, &sc, NULL);
        sync_config_clear(&sc);
        config_free(c);
    }
    return 0;
}
