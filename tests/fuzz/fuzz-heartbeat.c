/* fuzz-heartbeat — the receiver's POST /v1/heartbeat body. */
#include "sync/protocol.h"
#include "tests/fuzz/fuzz-common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    ProtocolHeartbeat hb;
    g_autoptr(GError) error = NULL;
    if (protocol_parse_heartbeat((const char *)data, size, &hb, &error))
        protocol_heartbeat_clear(&hb);
    return 0;
}
