/* officer-device — the administrators' Device view: what the kiosk is and holds, the light test,
 * and the settings that can be changed on the kiosk itself (app/settings.h). The session reads the
 * facts, runs the test and changes the settings (app/officer-session-tools.c). */
#include "ui/officer-private.h"

#include <string.h>

#include "app/settings.h"

/* Green, then red (the session runs it and audits it). */
void officer_led_test(OfficerScreen *o)
{
    if (!officer_session_led_test(o->session))
        return;
    o->led_testing = TRUE;
    officer_redraw(o);
}

/* A tap on a setting moves it to its next choice (the session stores and audits it first, then the
 * host applies it to the running kiosk). Administrators only. */
void officer_change_setting(OfficerScreen *o, guint index)
{
    OfficerReport r = {0};
    if (!officer_session_change_setting(o->session, index, &r))
        return;
    officer_show_report(o, &r);
    officer_report_clear(&r);
    officer_redraw(o);
}

void officer_device_on_event(OfficerScreen *o, const OfficerEvent *ev)
{
    if (ev->kind == OFFICER_EVENT_LED_TEST_DONE) {
        o->led_testing = FALSE;
        officer_redraw(o);
    } else if (ev->kind == OFFICER_EVENT_SETTING_CHANGED && o->host.apply_setting) {
        o->host.apply_setting(ev->name, ev->value, o->host.data);
    }
}

/* A device setting's name and value as the officer reads them. */
static StringId setting_label(const char *name)
{
    if (strcmp(name, "screen.languages") == 0)
        return STR_OFF_SET_LANGUAGES;
    if (strcmp(name, "sound.volume") == 0)
        return STR_OFF_SET_VOLUME;
    if (strcmp(name, "sound.speak") == 0)
        return STR_OFF_SET_SPEAK;
    return STR_OFF_SET_CAPTURE;
}

static char *setting_value(OfficerScreen *o, const char *name, const char *value)
{
    struct { const char *name, *value; StringId id; } words[] = {
        {"screen.languages", "ur;en", STR_OFF_VAL_UR_FIRST}, {"screen.languages", "en;ur", STR_OFF_VAL_EN_FIRST},
        {"sound.volume", "0", STR_OFF_VAL_SILENT},           {"sound.speak", "true", STR_OFF_VAL_ON},
        {"sound.speak", "false", STR_OFF_VAL_OFF},           {"scanner.capture", "continuous", STR_OFF_VAL_CONTINUOUS},
        {"scanner.capture", "tap", STR_OFF_VAL_TAP},
    };
    for (size_t i = 0; i < G_N_ELEMENTS(words); i++)
        if (strcmp(words[i].name, name) == 0 && strcmp(words[i].value, value) == 0)
            return g_strdup(od_str(o, words[i].id));
    return strcmp(name, "sound.volume") == 0 ? g_strdup_printf("%s %%", value) : g_strdup(value);
}

/* Left: what the kiosk is and holds. Right: the settings an administrator may change here, each a
 * button showing its value (a tap moves it on). */
void officer_draw_device(OfficerScreen *o)
{
    const Layout *l = o->layout;
    officer_draw_top(o, od_str(o, STR_OFF_DEVICE_TITLE), TRUE);
    SDL_Rect body = od_body(o);
    g_auto(OfficerDeviceFacts) facts = {0};
    officer_session_read_device(o->session, &facts);
    const StoreSummary sum = facts.summary;
    const char *scanner = facts.scanner;
    g_autofree char *enrolled = g_strdup_printf("%" G_GINT64_FORMAT " / %" G_GINT64_FORMAT, sum.probationers_active,
                                                sum.fingers);
    g_autofree char *today = g_strdup_printf("%" G_GINT64_FORMAT, sum.checkins_today);
    g_autofree char *unsent = g_strdup_printf("%" G_GINT64_FORMAT, sum.pending);
    g_autofree char *free_mb = facts.have_disk ? g_strdup_printf("%" G_GUINT64_FORMAT " MB", facts.disk_free_bytes >> 20)
                                               : g_strdup("?");
    /* An ADMS attendance server, when this kiosk pushes to one: its state and what it has not got. */
    g_autofree char *adms = NULL;
    const char *adms_state = facts.adms_state;
    if (adms_state) {
        StringId word = strcmp(adms_state, "approved") == 0           ? STR_OFF_ADMS_APPROVED
                        : strcmp(adms_state, "waiting approval") == 0 ? STR_OFF_ADMS_WAITING
                        : strcmp(adms_state, "down") == 0             ? STR_OFF_ADMS_DOWN
                                                                      : STR_OFF_ADMS_STARTING;
        adms = g_strdup_printf("%s · %" G_GINT64_FORMAT, od_str(o, word), facts.adms_pending);
    }
    struct { StringId label; const char *value; } lines[] = {
        {STR_OFF_DEV_ID, o->parts.device_id}, {STR_OFF_DEV_SCANNER, scanner ? scanner : od_str(o, STR_OFF_NO_SCANNER)},
        {STR_OFF_DEV_ENROLLED, enrolled}, {STR_OFF_DEV_TODAY, today}, {STR_OFF_DEV_UNSENT, unsent},
        {STR_OFF_DEV_DISK, free_mb}, {STR_OFF_DEV_ADMS, adms},
    };
    gboolean settings = o->parts.settings != NULL;
    int col_w = settings && !l->portrait ? (body.w - l->margin) / 2 : body.w;
    int rh = od_row_h(o), lw = col_w * 45 / 100, y = body.y;
    for (size_t i = 0; i < G_N_ELEMENTS(lines); i++) {
        if (lines[i].label == STR_OFF_DEV_ADMS && !lines[i].value)
            continue; /* no ADMS server: no line */
        od_label(o, od_mirror(o, (SDL_Rect){body.x, y, lw, rh}), o->lang, l->size_small, TEXT_BOLD,
                 od_str(o, lines[i].label), OD_DIM, TEXT_START);
        od_label(o, od_mirror(o, (SDL_Rect){body.x + lw, y, col_w - lw, rh}), o->lang, l->size_small, TEXT_REGULAR,
                 lines[i].value, OD_WHITE, TEXT_START);
        y += rh;
    }
    int bh = od_chip_h(o) * 12 / 10;
    SDL_Rect row = {body.x, body.y + body.h - bh, col_w, bh};
    if (officer_session_has_leds(o->session))
        od_button(o, row, od_str(o, STR_OFF_LED_TEST), OD_ACCENT, OD_WHITE, OA_LED_TEST, 0, "led-test");
    SDL_Rect note = {body.x, y + l->margin / 2, col_w, row.y - y - l->margin};
    if (o->led_testing)
        od_label(o, od_mirror(o, note), o->lang, l->size_small, TEXT_REGULAR, od_str(o, STR_OFF_LED_TESTING), OD_WHITE,
                 TEXT_START);
    else if (o->result == RESULT_FAILED && o->result_text)
        od_label(o, od_mirror(o, note), LANG_EN, l->size_small, TEXT_REGULAR, o->result_text, OD_RED, TEXT_START);
    if (!settings)
        return;

    /* The settings: beside the facts on a landscape panel, below them on a portrait one. */
    SDL_Rect area = l->portrait ? (SDL_Rect){body.x, y + rh, body.w, row.y - y - rh - l->margin}
                                : (SDL_Rect){body.x + col_w + l->margin, body.y, col_w, body.h};
    guint n;
    const SettingInfo *all = settings_list(&n);
    int head = rh, step = (area.h - head) / (int)n, gap = l->margin / 2;
    od_label(o, od_mirror(o, (SDL_Rect){area.x, area.y, area.w, head}), o->lang, l->size_small, TEXT_BOLD,
             od_str(o, STR_OFF_SETTINGS), OD_WHITE, TEXT_START);
    for (guint i = 0; i < n; i++) {
        int top = area.y + head + (int)i * step;
        int half = area.w * 45 / 100;
        int h = MIN(step - gap, bh);
        g_autofree char *value = settings_get(o->parts.settings, all[i].name);
        g_autofree char *shown = setting_value(o, all[i].name, value);
        g_autofree char *name = g_strdup_printf("setting:%s", all[i].name);
        od_label(o, od_mirror(o, (SDL_Rect){area.x, top, half, h}), o->lang, l->size_small, TEXT_BOLD,
                 od_str(o, setting_label(all[i].name)), OD_DIM, TEXT_START);
        od_button(o, (SDL_Rect){area.x + half, top, area.w - half, h}, shown, OD_PANEL, OD_WHITE, OA_SETTING, (int)i,
                  name);
    }
}
