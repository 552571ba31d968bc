/* ctl-match — `haazri-ctl match report`: what the enrolled gallery says about this kiosk's scanner.
 *
 * The engine's threshold is a false-match rate estimated on public test sets (docs/search.md); a
 * kiosk's own scanner and its own people may differ. The enrolled fingers are a sample of both: each
 * finger's impressions against each other are genuine comparisons, different probationers' fingers
 * against each other impostor ones. From them: the score distributions on this scanner, the false
 * match and false non-match rates they imply at the configured threshold, and a warning when the
 * enrolled prints are too poor to tell apart. Nothing here prints a template. */
#include "ctl/ctl.h"

#include <string.h>

#include "app/engine/engine.h"

typedef struct {
    GPtrArray *templates; /* EngineTemplate* */
    GArray *people;       /* gint64 */
    guint unreadable;
} Gallery;

static void collect(gint64 finger_id, gint64 probationer_id, const char *finger, GBytes *print, gpointer data)
{
    (void)finger_id, (void)finger;
    Gallery *g = data;
    EngineTemplate *t = engine_template_parse(g_bytes_get_data(print, NULL), g_bytes_get_size(print), NULL);
    if (!t) {
        g->unreadable++; /* match-on-chip or damaged: the engine can't compare it */
        return;
    }
    g_ptr_array_add(g->templates, t);
    g_array_append_val(g->people, probationer_id);
}

int cmd_match(int argc, char **argv)
{
    if (!parse("match", "report", "score distributions of the enrolled fingers on this scanner", NULL, TRUE,
               &argc, &argv))
        return 2;
    if (!expect_action("match", argc, argv, "report"))
        return 2;
    g_auto(Admin) admin = {0};
    int failed = open_admin(&admin);
    if (failed)
        return failed;
    Gallery g = {g_ptr_array_new_with_free_func((GDestroyNotify)engine_template_free),
                 g_array_new(FALSE, FALSE, sizeof(gint64)), 0};
    g_autoptr(GError) error = NULL;
    if (!store_foreach_active_finger(admin.store, collect, &g, &error)) {
        fprintf(stderr, "haazri-ctl match: %s\n", error->message);
        g_ptr_array_unref(g.templates);
        g_array_unref(g.people);
        return 1;
    }
    const Config *c = admin.config;
    EngineReport r;
    engine_report_gallery((EngineTemplate *const *)g.templates->pdata, (const gint64 *)g.people->data,
                          g.templates->len, c->match_threshold, &r);
    double fmr = r.impostor ? 100.0 * r.false_matches / r.impostor : 0;
    double fnmr = r.genuine ? 100.0 * r.false_non_matches / r.genuine : 0;
    /* Too poor to tell apart: a typical genuine comparison below the threshold, or a stranger's as
     * high as a typical genuine one. */
    const char *warning = NULL;
    if (r.genuine >= 10 && r.genuine_median < c->match_threshold)
        warning = "most enrolled fingers score below the threshold against their own other touches: the "
                  "scanner's prints are too poor (clean the glass, check the scanner) or the fingers were "
                  "enrolled carelessly; many people will not be recognised";
    else if (r.impostor >= 10 && r.genuine >= 10 && r.impostor_max >= r.genuine_median)
        warning = "a stranger's finger scores as high as a typical genuine one: enrolled prints are too poor "
                  "to tell people apart reliably";
    if (ctl_as_json) {
        g_autoptr(JsonBuilder) b = json_builder_new();
        json_builder_begin_object(b);
        add_int(b, "fingers", r.fingers);
        add_int(b, "unreadable_fingers", g.unreadable);
        add_int(b, "poor_fingers", r.poor_fingers);
        json_builder_set_member_name(b, "false_match_rate");
        json_builder_add_double_value(b, c->match_false_match_rate);
        add_int(b, "genuine_comparisons", r.genuine);
        add_int(b, "impostor_comparisons", r.impostor);
        json_builder_set_member_name(b, "genuine_median");
        json_builder_add_double_value(b, r.genuine_median);
        json_builder_set_member_name(b, "impostor_max");
        json_builder_add_double_value(b, r.impostor_max);
        json_builder_set_member_name(b, "fmr_percent");
        json_builder_add_double_value(b, fmr);
        json_builder_set_member_name(b, "fnmr_percent");
        json_builder_add_double_value(b, fnmr);
        add_string(b, "warning", warning);
        json_builder_end_object(b);
        print_json(b);
    } else {
        printf("%u enrolled fingers compared (false_match_rate %g: threshold %.1f)%s\n", r.fingers,
               c->match_false_match_rate, c->match_threshold,
               g.unreadable ? "; some fingers are not minutiae templates and were left out" : "");
        printf("genuine  (a finger's touches against each other): %u comparisons, median score %.1f, "
               "lowest tenth below %.1f\n", r.genuine, r.genuine_median, r.genuine_p10);
        printf("impostor (different probationers' fingers):        %u comparisons, highest score %.1f, "
               "99th percentile %.1f\n", r.impostor, r.impostor_max, r.impostor_p99);
        printf("at the threshold: false matches %.2f %% (%u of %u), false non-matches %.1f %% (%u of %u)\n",
               fmr, r.false_matches, r.impostor, fnmr, r.false_non_matches, r.genuine);
        if (r.poor_fingers)
            printf("%u enrolled finger(s) would be refused by today's enrollment check: re-enroll them\n",
                   r.poor_fingers);
        if (warning)
            printf("warning: %s\n", warning);
    }
    g_ptr_array_unref(g.templates);
    g_array_unref(g.people);
    return 0;
}
