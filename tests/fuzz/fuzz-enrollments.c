/* fuzz-enrollments — the loading file's shape: POST /v1/enrollments from a kiosk, and the roster
 * file `haazri-receiver roster load` reads at the centre. */
#include "sync/protocol.h"
#include "tests/fuzz/fuzz-common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    StoreRoster *r = protocol_parse_roster((const char *)data, size, PROTOCOL_ROSTER_LOAD, NULL);
    if (r)
        store_roster_free(r);
    return 0;
}
