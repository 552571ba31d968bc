/* ctl-match — `haazri-ctl match report`: what the enrolled gallery says about this kiosk's scanner
 * (app/match-report.h computes it; the running kiosk sends the same numbers to the centre in its
 * heartbeats). Nothing here prints a template. */
#include "ctl/ctl.h"

#include "app/match-report.h"

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
    g_autoptr(GError) error = NULL;
    const Config *c = admin.config;
    MatchReport r;
    if (!match_report_compute(admin.store, c->match_threshold, 0, &r, &error)) {
        fprintf(stderr, "haazri-ctl match: %s\n", error->message);
        return 1;
    }
    double fmr = 100.0 * r.false_match_rate, fnmr = 100.0 * r.false_non_match_rate;
    const char *warning = r.warning;
    if (ctl_as_json) {
        g_autoptr(JsonBuilder) b = json_builder_new();
        json_builder_begin_object(b);
        add_int(b, "fingers", r.fingers);
        add_int(b, "unreadable_fingers", r.unreadable);
        add_int(b, "poor_fingers", r.poor_fingers);
        json_builder_set_member_name(b, "false_match_rate");
        json_builder_add_double_value(b, c->match_false_match_rate);
        add_int(b, "enrolled_touches", r.impressions);
        json_builder_set_member_name(b, "search_threshold");
        json_builder_add_double_value(b, r.search_threshold);
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
               r.unreadable ? "; some fingers are not minutiae templates and were left out" : "");
        printf("a search of all %u enrolled touches is judged at %.1f%s\n", r.impressions, r.search_threshold,
               r.search_threshold > r.threshold ? " (beyond 2,000 fingers the threshold rises with the gallery, "
                                                  "docs/search.md)" : "");
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
    match_report_clear(&r);
    return 0;
}
