/* roster-page — building and freeing a roster page. See roster-page.h. */
#include "sync/roster-page.h"

StoreRoster *store_roster_new(void)
{
    StoreRoster *r = g_new0(StoreRoster, 1);
    r->people = g_ptr_array_new_with_free_func((GDestroyNotify)store_roster_person_free);
    r->messages = g_ptr_array_new_with_free_func((GDestroyNotify)store_roster_message_free);
    return r;
}

void store_roster_free(StoreRoster *r)
{
    if (!r)
        return;
    g_free(r->office);
    g_ptr_array_unref(r->people);
    g_ptr_array_unref(r->messages);
    g_free(r);
}

void store_roster_finger_free(StoreRosterFinger *f)
{
    if (!f)
        return;
    g_free(f->finger);
    g_free(f->driver);
    if (f->print)
        g_bytes_unref(f->print);
    g_free(f);
}

void store_roster_schedule_free(StoreRosterSchedule *sc)
{
    if (!sc)
        return;
    g_free(sc->rule);
    g_free(sc->starts);
    g_free(sc->ends);
    g_free(sc->due_by);
    g_free(sc);
}

void store_roster_person_free(StoreRosterPerson *p)
{
    if (!p)
        return;
    g_free(p->case_number);
    g_free(p->cnic);
    g_free(p->name_en);
    g_free(p->name_ur);
    g_free(p->office);
    if (p->fingers)
        g_ptr_array_unref(p->fingers);
    store_roster_schedule_free(p->schedule);
    if (p->photo)
        g_bytes_unref(p->photo);
    g_free(p->adms_pin);
    g_free(p);
}

void store_roster_message_free(StoreRosterMessage *m)
{
    if (!m)
        return;
    g_free(m->id);
    g_free(m->office);
    g_free(m->case_number);
    g_free(m->text_en);
    g_free(m->text_ur);
    g_free(m->valid_until);
    g_free(m);
}
