/* officer-photo — a photo for the person on the Enroll form: picked from the USB stick (the folder
 * Export writes to) or taken with the kiosk's webcam, shown before it is kept, and kept through
 * app/photo-set.c like haazri-ctl photo's (checked by app/photo.h, audited as probationer.photo). Every
 * way it can go wrong has its own sentence: no stick, no photo on it, too big (told from the file's
 * size before a byte is read), not a JPEG or PNG, too many pixels, damaged, no picture from the camera.
 * The camera and the keeping are the officer session's (app/officer-session-tools.c). */
#include "ui/officer-private.h"

#include <string.h>

#include "app/photo-set.h"
#include "app/photo.h"
#include "ui/icons.h"
#include "ui/image.h"

enum { PHOTO_LIST_SHOWN = 5 }; /* the newest five: the one just copied on is at the top */

static void forget_new(OfficerScreen *o)
{
    g_clear_pointer(&o->photo_new, g_bytes_unref);
    g_clear_pointer(&o->photo_preview, SDL_FreeSurface);
    o->photo_source = NULL;
}

void officer_photo_clear(OfficerScreen *o)
{
    officer_session_photo_cancel(o->session); /* leaving the view forgets a photo being taken */
    o->photo_busy = FALSE;
    forget_new(o);
    g_clear_pointer(&o->photo_files, g_ptr_array_unref);
    g_clear_pointer(&o->camera, g_free);
    o->photo_note = STR_COUNT;
}

/* What the person has now, shown until a new one is chosen. */
static void show_current(OfficerScreen *o)
{
    g_autoptr(GBytes) now = store_get_photo(o->parts.store, o->person.id, NULL);
    if (now)
        o->photo_preview = image_load_photo_bytes(now, NULL);
}

static void note(OfficerScreen *o, StringId id, const char *english)
{
    o->photo_note = id;
    officer_set_result(o, RESULT_NONE, english, NULL);
    if (english)
        g_message("officer mode: photo: %s", english);
    officer_redraw(o);
}

void officer_photo_list(OfficerScreen *o)
{
    forget_new(o);
    show_current(o);
    g_clear_pointer(&o->photo_files, g_ptr_array_unref);
    g_autofree char *folder = officer_stick_folder(o);
    g_autoptr(GError) error = NULL;
    if (folder)
        o->photo_files = photo_list_folder(folder, PHOTO_LIST_SHOWN, &error);
    if (!o->photo_files)
        note(o, STR_OFF_NO_STICK, error ? error->message : "No USB stick found.");
    else if (o->photo_files->len == 0)
        note(o, STR_OFF_PHOTO_NO_IMAGES, "No JPEG or PNG photo on the stick.");
    else
        note(o, STR_OFF_PHOTO_CHOOSE, NULL);
}

void officer_photo_open(OfficerScreen *o)
{
    if (!o->found)
        return;
    officer_photo_clear(o);
    o->camera = officer_session_find_camera(o->session);
    officer_go(o, OV_PHOTO);
    officer_photo_list(o);
}

static StringId sentence_for(const GError *error)
{
    if (error->domain != PHOTO_ERROR)
        return STR_OFF_PHOTO_UNREADABLE;
    switch ((PhotoErrorCode)error->code) {
    case PHOTO_ERROR_TOO_BIG: return STR_OFF_PHOTO_TOO_BIG;
    case PHOTO_ERROR_NOT_IMAGE: return STR_OFF_PHOTO_NOT_IMAGE;
    case PHOTO_ERROR_TOO_WIDE: return STR_OFF_PHOTO_TOO_WIDE;
    case PHOTO_ERROR_OPEN: return STR_OFF_NO_STICK; /* pulled out between listing and touching */
    case PHOTO_ERROR_UNREADABLE: break;
    }
    return STR_OFF_PHOTO_UNREADABLE;
}

/* A photo that passed photo_check: shown, waiting for "Keep this photo". */
static void offer(OfficerScreen *o, GBytes *photo, const char *source)
{
    forget_new(o);
    g_autoptr(GError) error = NULL;
    o->photo_preview = image_load_photo_bytes(photo, &error);
    if (!o->photo_preview) {
        show_current(o);
        note(o, STR_OFF_PHOTO_UNREADABLE, error->message);
        return;
    }
    o->photo_new = g_bytes_ref(photo);
    o->photo_source = source;
    note(o, STR_COUNT, NULL);
}

void officer_photo_pick(OfficerScreen *o, guint index)
{
    if (!o->photo_files || index >= o->photo_files->len || o->photo_busy)
        return;
    const PhotoFile *f = o->photo_files->pdata[index];
    forget_new(o);
    show_current(o);
    if (f->size > PHOTO_MAX_BYTES) {
        g_autofree char *why = g_strdup_printf("%s: the photo is %" G_GINT64_FORMAT " KB; at most %d KB are accepted",
                                               f->name, (f->size + 1023) / 1024, PHOTO_MAX_BYTES / 1024);
        note(o, STR_OFF_PHOTO_TOO_BIG, why);
        return;
    }
    g_autoptr(GError) error = NULL;
    g_autoptr(GBytes) photo = photo_load_file(f->path, &error);
    if (!photo) {
        note(o, sentence_for(error), error->message);
        return;
    }
    offer(o, photo, "the USB stick");
}

void officer_photo_on_event(OfficerScreen *o, const OfficerEvent *ev)
{
    if (ev->kind != OFFICER_EVENT_PHOTO_TAKEN)
        return;
    o->photo_busy = FALSE;
    if (!ev->photo) {
        note(o, STR_OFF_PHOTO_CAMERA_FAILED, ev->reason);
        return;
    }
    offer(o, ev->photo, "the camera");
}

void officer_photo_camera(OfficerScreen *o)
{
    if (!o->camera || o->photo_busy)
        return;
    forget_new(o);
    show_current(o);
    o->photo_busy = TRUE;
    note(o, STR_OFF_PHOTO_TAKING, NULL);
    officer_session_take_photo(o->session, o->camera);
}

void officer_photo_save(OfficerScreen *o)
{
    if (!o->photo_new || !o->found)
        return;
    g_autoptr(GError) error = NULL;
    if (!officer_session_keep_photo(o->session, &o->person, o->photo_new, o->photo_source, &error)) {
        note(o, STR_OFF_PHOTO_SAVE_FAILED, error->message);
        return;
    }
    g_clear_pointer(&o->photo_new, g_bytes_unref); /* kept: the preview stays, now the current photo */
    g_autofree char *said = g_strdup_printf("photo kept for case %s", o->person.case_number);
    note(o, STR_OFF_PHOTO_SAVED, said);
}

/* ---- drawing ---- */

static SDL_Color note_ink(StringId id)
{
    if (id == STR_OFF_PHOTO_SAVED)
        return (SDL_Color){0x9c, 0xe6, 0xa8, 255};
    if (id == STR_OFF_PHOTO_CHOOSE || id == STR_OFF_PHOTO_TAKING)
        return OD_DIM;
    return (SDL_Color){0xff, 0xd0, 0x80, 255};
}

static void draw_preview(OfficerScreen *o, SDL_Rect box)
{
    SDL_Rect r = od_mirror(o, box);
    icons_fill_rounded(o->renderer, &r, o->layout->margin / 2, OD_PANEL);
    if (!o->photo_preview)
        return; /* no photo yet: the empty frame says so */
    /* Fitted whole, never stretched: a face keeps its shape. */
    SDL_Surface *s = o->photo_preview;
    double k = MIN((double)(r.w - 8) / s->w, (double)(r.h - 8) / s->h);
    SDL_Rect dst = {0, 0, (int)(s->w * k), (int)(s->h * k)};
    dst.x = r.x + (r.w - dst.w) / 2;
    dst.y = r.y + (r.h - dst.h) / 2;
    SDL_Texture *t = SDL_CreateTextureFromSurface(o->renderer, s);
    if (t) {
        SDL_RenderCopy(o->renderer, t, NULL, &dst);
        SDL_DestroyTexture(t);
    }
}

void officer_draw_photo(OfficerScreen *o)
{
    const Layout *l = o->layout;
    officer_draw_top(o, od_str(o, STR_OFF_PHOTO), TRUE);
    SDL_Rect body = od_body(o);
    int gap = l->margin / 2, fh = od_chip_h(o);
    int pw = body.w * 36 / 100, lw = body.w - pw - l->margin;
    int y = body.y;
    g_autofree char *who = g_strdup_printf("%s  %s", o->person.case_number ? o->person.case_number : "",
                                           od_name(o, o->person.name_en, o->person.name_ur));
    od_label(o, od_mirror(o, (SDL_Rect){body.x, y, lw, fh}), o->lang, l->size_body, TEXT_BOLD, who, OD_WHITE,
             TEXT_START);
    y += fh + gap;
    /* What the last step came to, just above the buttons; the list stops short of it. */
    int row_h = fh * 12 / 10, row_y = body.y + body.h - row_h, note_y = row_y;
    if (o->photo_note != STR_COUNT) {
        g_autofree char *msg = o->photo_note == STR_OFF_PHOTO_SAVED
                                   ? g_strdup_printf(od_str(o, STR_OFF_PHOTO_SAVED), o->person.case_number)
                                   : g_strdup(od_str(o, o->photo_note));
        int h = text_measure(o->text, o->lang, l->size_small, TEXT_BOLD, msg, lw);
        note_y = row_y - gap - h;
        SDL_Rect r = od_mirror(o, (SDL_Rect){body.x, note_y, lw, h});
        text_draw(o->text, o->renderer, o->lang, l->size_small, TEXT_BOLD, msg, note_ink(o->photo_note), r.x, r.y,
                  r.w, TEXT_START);
    }
    if (o->photo_files && o->photo_files->len > 0) {
        od_label(o, od_mirror(o, (SDL_Rect){body.x, y, lw, fh * 8 / 10}), o->lang, l->size_small, TEXT_BOLD,
                 od_str(o, STR_OFF_PHOTO_STICK), OD_DIM, TEXT_START);
        y += fh * 8 / 10 + gap / 2;
        int rh = fh * 75 / 100;
        for (guint i = 0; i < o->photo_files->len && y + rh <= note_y; i++) {
            const PhotoFile *f = o->photo_files->pdata[i];
            /* The file's own name (Latin) and size: what the officer sees on the stick elsewhere. */
            g_autofree char *label = g_strdup_printf("%s  (%" G_GINT64_FORMAT " KB)", f->name, (f->size + 1023) / 1024);
            g_autofree char *name = g_strdup_printf("photo:file:%u", i);
            od_button(o, (SDL_Rect){body.x, y, lw, rh}, label, OD_ACCENT, OD_WHITE, OA_PHOTO_FILE, (int)i, name);
            y += rh + gap / 2;
        }
    }
    SDL_Rect row = {body.x, row_y, lw, row_h};
    int buttons = o->camera ? 2 : 1;
    od_button(o, layout_button(l, &row, buttons, 0), od_str(o, STR_OFF_PHOTO_LOOK_AGAIN), OD_PANEL, OD_WHITE,
              OA_PHOTO_STICK, 0, "photo:stick");
    if (o->camera)
        od_button(o, layout_button(l, &row, buttons, 1), od_str(o, STR_OFF_PHOTO_CAMERA),
                  o->photo_busy ? OD_PANEL : OD_ACCENT, OD_WHITE, OA_PHOTO_CAMERA, 0, "photo:camera");
    /* The photo on the other side, and Keep under it once a new one is shown. */
    SDL_Rect pbox = {body.x + lw + l->margin, body.y, pw, body.h - row_h - l->margin};
    draw_preview(o, pbox);
    if (o->photo_new)
        od_button(o, (SDL_Rect){pbox.x, row_y, pw, row_h}, od_str(o, STR_OFF_PHOTO_SAVE), OD_GREEN, OD_WHITE,
                  OA_PHOTO_SAVE, 0, "photo:save");
}
