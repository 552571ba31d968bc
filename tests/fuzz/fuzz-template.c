/* fuzz-template — the engine's reader of fp_print_serialize templates (engine_template_parse). */
#include "app/engine/engine.h"
#include "tests/fuzz/fuzz-common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    EngineTemplate *t = engine_template_parse(data, size, NULL);
    if (t)
        engine_template_free(t);
    return 0;
}
