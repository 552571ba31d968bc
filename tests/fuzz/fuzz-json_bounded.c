/* fuzz-json_bounded — the one reader of JSON from outside: the pre-scan, then json-glib. */
#include "sync/json-bounded.h"
#include "tests/fuzz/fuzz-common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    g_autoptr(JsonParser) p = json_parser_new();
    g_autoptr(GError) error = NULL;
    json_bounded_load(p, (const char *)data, size, &json_bounds_message, &error);
    return 0;
}
