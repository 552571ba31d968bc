/* fuzz-roster_page — a roster page as a kiosk receives it (GET /v1/roster), templates and all. */
#include "sync/protocol.h"
#include "tests/fuzz/fuzz-common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    StoreRoster *r = protocol_parse_roster((const char *)data, size, PROTOCOL_ROSTER_REPLY, NULL);
    if (r)
        store_roster_free(r);
    return 0;
}
