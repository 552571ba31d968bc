/* text — English and Urdu text with SDL2_ttf. See text.h. */
#include "ui/text.h"

#include <SDL_ttf.h>
#include <string.h>

#define FONT_DIR "/usr/share/fonts/truetype/noto/"
enum { FACE_EN, FACE_EN_BOLD, FACE_UR, FACE_UR_BOLD, FACE_COUNT };
static const char *const face_files[FACE_COUNT] = {
    FONT_DIR "NotoSans-Regular.ttf", FONT_DIR "NotoSans-Bold.ttf",
    FONT_DIR "NotoNastaliqUrdu-Regular.ttf", FONT_DIR "NotoNastaliqUrdu-Bold.ttf",
};
/* Nastaliq at the same point size looks smaller than Noto Sans (its letters hang from a tall
 * slanted baseline); 1.15 makes the two lines read alike at two metres (judged on the screenshots). */
#define URDU_SCALE 1.15
/* Latin runs inside an Urdu line: a little smaller than the Nastaliq size, to match its letters. */
#define LTR_IN_URDU 0.8

struct Text {
    GHashTable *fonts; /* face * 10000 + size → TTF_Font* */
};

typedef struct {
    SDL_Surface *surface;
    int x, y;
} Piece;

static void piece_free(gpointer p)
{
    SDL_FreeSurface(((Piece *)p)->surface);
    g_free(p);
}

Text *text_new(GError **error)
{
    for (int f = 0; f < FACE_COUNT; f++)
        if (!g_file_test(face_files[f], G_FILE_TEST_EXISTS)) {
            g_set_error(error, G_FILE_ERROR, G_FILE_ERROR_NOENT,
                        "the font %s is missing (install the Debian package fonts-noto-core)", face_files[f]);
            return NULL;
        }
    if (!TTF_WasInit() && TTF_Init() != 0) {
        g_set_error(error, G_FILE_ERROR, G_FILE_ERROR_FAILED, "cannot start SDL_ttf: %s", TTF_GetError());
        return NULL;
    }
    Text *t = g_new0(Text, 1);
    t->fonts = g_hash_table_new_full(g_direct_hash, g_direct_equal, NULL, (GDestroyNotify)TTF_CloseFont);
    return t;
}

void text_free(Text *t)
{
    if (!t)
        return;
    g_hash_table_unref(t->fonts);
    g_free(t);
}

static TTF_Font *font(Text *t, int face, int size)
{
    size = CLAMP(size, 4, 2000);
    gpointer key = GINT_TO_POINTER(face * 10000 + size);
    TTF_Font *f = g_hash_table_lookup(t->fonts, key);
    if (f)
        return f;
    f = TTF_OpenFont(face_files[face], size);
    if (!f)
        g_error("cannot open %s: %s", face_files[face], TTF_GetError()); /* checked in text_new */
    if (face == FACE_UR || face == FACE_UR_BOLD) {
        TTF_SetFontDirection(f, TTF_DIRECTION_RTL);
        TTF_SetFontScriptName(f, "Arab");
    }
    g_hash_table_insert(t->fonts, key, f);
    return f;
}

static int face_of(Lang lang, TextWeight weight)
{
    if (lang == LANG_UR)
        return weight == TEXT_BOLD ? FACE_UR_BOLD : FACE_UR;
    return weight == TEXT_BOLD ? FACE_EN_BOLD : FACE_EN;
}

static int urdu_size(int size)
{
    return (int)(size * URDU_SCALE + 0.5);
}

/* Left-to-right inside Urdu: Latin letters and both kinds of digits. */
static gboolean is_ltr_char(gunichar c)
{
    return (c < 0x80 && g_ascii_isalnum((char)c)) || (c >= 0x06F0 && c <= 0x06F9) ||
           (c >= 0x0660 && c <= 0x0669);
}

/* Splits an Urdu line into runs: strong left-to-right characters, with the neutrals between two of
 * them ("09:15", "LHR-2024"), form LTR runs; everything else is RTL. Returns the run boundaries as
 * byte offsets, and each run's direction in `ltr`. */
static GArray *split_runs(const char *s, GArray *ltr)
{
    GArray *cuts = g_array_new(FALSE, FALSE, sizeof(int));
    int n = (int)strlen(s);
    int run_start = 0;
    gboolean in_ltr = FALSE;
    const char *p = s;
    while (*p) {
        gunichar c = g_utf8_get_char(p);
        const char *next = g_utf8_next_char(p);
        gboolean l = is_ltr_char(c);
        if (!l && in_ltr && !g_unichar_isspace(c) && c < 0x80) {
            /* An ASCII neutral inside an LTR run stays in it if an LTR char follows directly. */
            l = *next && is_ltr_char(g_utf8_get_char(next));
        }
        if (l != in_ltr && p != s + run_start) {
            int at = (int)(p - s);
            g_array_append_val(cuts, run_start);
            g_array_append_val(ltr, in_ltr);
            run_start = at;
        }
        in_ltr = l;
        p = next;
    }
    if (run_start < n) {
        g_array_append_val(cuts, run_start);
        g_array_append_val(ltr, in_ltr);
    }
    g_array_append_val(cuts, n);
    return cuts;
}

/* Lays one line out as pieces (surfaces with positions from the line's top left); `draw` FALSE
 * only measures. */
static GPtrArray *lay_out_line(Text *t, Lang lang, int size, TextWeight weight, const char *s,
                               gboolean draw, SDL_Color color, int *w_out, int *h_out)
{
    GPtrArray *pieces = g_ptr_array_new_with_free_func(piece_free);
    if (lang != LANG_UR) {
        TTF_Font *f = font(t, face_of(lang, weight), size);
        int w = 0;
        if (*s)
            TTF_SizeUTF8(f, s, &w, NULL);
        *w_out = w;
        *h_out = TTF_FontLineSkip(f);
        if (draw && *s) {
            Piece *pc = g_new0(Piece, 1);
            pc->surface = TTF_RenderUTF8_Blended(f, s, color);
            if (pc->surface)
                g_ptr_array_add(pieces, pc);
            else
                g_free(pc);
        }
        return pieces;
    }
    TTF_Font *rtl = font(t, face_of(LANG_UR, weight), urdu_size(size));
    TTF_Font *ltr_font = font(t, face_of(LANG_EN, weight), (int)(urdu_size(size) * LTR_IN_URDU + 0.5));
    g_autoptr(GArray) dirs = g_array_new(FALSE, FALSE, sizeof(gboolean));
    g_autoptr(GArray) cuts = split_runs(s, dirs);
    int ascent = MAX(TTF_FontAscent(rtl), TTF_FontAscent(ltr_font));
    int height = TTF_FontLineSkip(rtl);
    /* Runs in reading order; placed from the right edge leftwards, so x is negative until the end. */
    int x = 0;
    for (guint i = 0; i + 1 < cuts->len; i++) {
        int a = g_array_index(cuts, int, i), b = g_array_index(cuts, int, i + 1);
        g_autofree char *run = g_strndup(s + a, (gsize)(b - a));
        TTF_Font *f = g_array_index(dirs, gboolean, i) ? ltr_font : rtl;
        int w = 0;
        TTF_SizeUTF8(f, run, &w, NULL);
        x -= w;
        if (draw && w > 0) {
            Piece *pc = g_new0(Piece, 1);
            pc->surface = TTF_RenderUTF8_Blended(f, run, color);
            pc->x = x;
            pc->y = ascent - TTF_FontAscent(f); /* baselines line up */
            if (pc->surface)
                g_ptr_array_add(pieces, pc);
            else
                g_free(pc);
        }
    }
    for (guint i = 0; i < pieces->len; i++)
        ((Piece *)pieces->pdata[i])->x -= x;
    *w_out = -x;
    *h_out = MAX(height, ascent - MIN(TTF_FontDescent(rtl), TTF_FontDescent(ltr_font)));
    return pieces;
}

int text_line_height(Text *t, Lang lang, int size, TextWeight weight)
{
    return TTF_FontLineSkip(font(t, face_of(lang, weight), lang == LANG_UR ? urdu_size(size) : size));
}

int text_width(Text *t, Lang lang, int size, TextWeight weight, const char *s)
{
    int w, h;
    SDL_Color none = {0, 0, 0, 0};
    g_ptr_array_unref(lay_out_line(t, lang, size, weight, s, FALSE, none, &w, &h));
    return w;
}

/* Greedy wrap at spaces (and at '\n'); a word wider than the column gets a line of its own. */
static GPtrArray *wrap(Text *t, Lang lang, int size, TextWeight weight, const char *s, int width)
{
    GPtrArray *lines = g_ptr_array_new_with_free_func(g_free);
    g_auto(GStrv) paragraphs = g_strsplit(s, "\n", -1);
    for (char **para = paragraphs; *para; para++) {
        g_auto(GStrv) words = g_strsplit(*para, " ", -1);
        GString *line = g_string_new(NULL);
        for (char **w = words; *w; w++) {
            if (!**w)
                continue;
            g_autofree char *candidate = line->len ? g_strconcat(line->str, " ", *w, NULL) : g_strdup(*w);
            if (line->len && text_width(t, lang, size, weight, candidate) > width) {
                g_ptr_array_add(lines, g_string_free(line, FALSE));
                line = g_string_new(*w);
            } else {
                g_string_assign(line, candidate);
            }
        }
        g_ptr_array_add(lines, g_string_free(line, FALSE));
    }
    return lines;
}

int text_measure(Text *t, Lang lang, int size, TextWeight weight, const char *s, int width)
{
    g_autoptr(GPtrArray) lines = wrap(t, lang, size, weight, s, width);
    return (int)lines->len * text_line_height(t, lang, size, weight);
}

int text_draw(Text *t, SDL_Renderer *r, Lang lang, int size, TextWeight weight, const char *s,
              SDL_Color color, int x, int y, int width, TextAlign align)
{
    g_autoptr(GPtrArray) lines = wrap(t, lang, size, weight, s, width);
    int top = y;
    for (guint i = 0; i < lines->len; i++) {
        int w, h;
        g_autoptr(GPtrArray) pieces = lay_out_line(t, lang, size, weight, lines->pdata[i], TRUE, color, &w, &h);
        gboolean right = (align == TEXT_START && lang == LANG_UR) || (align == TEXT_END && lang != LANG_UR);
        int left = align == TEXT_CENTER ? x + (width - w) / 2 : right ? x + width - w : x;
        for (guint k = 0; k < pieces->len; k++) {
            Piece *pc = pieces->pdata[k];
            SDL_Texture *tex = SDL_CreateTextureFromSurface(r, pc->surface);
            SDL_Rect dst = {left + pc->x, top + pc->y, pc->surface->w, pc->surface->h};
            SDL_RenderCopy(r, tex, NULL, &dst);
            SDL_DestroyTexture(tex);
        }
        top += h;
    }
    return top - y;
}

SDL_Surface *text_render_line(Text *t, Lang lang, int size, TextWeight weight, const char *s, SDL_Color color)
{
    int w, h;
    g_autoptr(GPtrArray) pieces = lay_out_line(t, lang, size, weight, s, TRUE, color, &w, &h);
    SDL_Surface *out = SDL_CreateRGBSurfaceWithFormat(0, MAX(w, 1), MAX(h, 1), 32, SDL_PIXELFORMAT_ARGB8888);
    SDL_FillRect(out, NULL, 0);
    for (guint k = 0; k < pieces->len; k++) {
        Piece *pc = pieces->pdata[k];
        SDL_SetSurfaceBlendMode(pc->surface, SDL_BLENDMODE_NONE);
        SDL_Rect dst = {pc->x, pc->y, pc->surface->w, pc->surface->h};
        SDL_BlitSurface(pc->surface, NULL, out, &dst);
    }
    return out;
}
