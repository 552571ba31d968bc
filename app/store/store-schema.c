/* store-schema — the database schema, one migration per version.
 *
 * PRAGMA user_version holds the version a database is at; opening runs every later migration in one
 * transaction. Never edit a released migration: add the next one. tests/test-store.c migrates a
 * database from every earlier version and checks that nothing is lost. */
#include "app/store/store-schema.h"

static const char *const migrations[] = {
    /* 1: the check-in core. */
    "CREATE TABLE probationers ("
    "  id INTEGER PRIMARY KEY,"
    "  case_number TEXT NOT NULL UNIQUE,"
    "  cnic TEXT CHECK (cnic IS NULL OR (length(cnic) = 13 AND cnic NOT GLOB '*[^0-9]*')),"
    "  name_en TEXT NOT NULL,"
    "  name_ur TEXT,"
    "  office TEXT NOT NULL,"
    "  status TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'inactive')),"
    "  created_at TEXT NOT NULL,"
    "  updated_at TEXT NOT NULL);"
    "CREATE TABLE fingers ("
    "  id INTEGER PRIMARY KEY,"
    "  probationer_id INTEGER NOT NULL REFERENCES probationers(id),"
    "  finger TEXT NOT NULL,"
    "  print BLOB NOT NULL," /* fp_print_serialize(): libfprint's own stable format */
    "  driver TEXT NOT NULL,"
    "  enrolled_at TEXT NOT NULL,"
    "  UNIQUE (probationer_id, finger));"
    "CREATE TABLE checkins ("
    "  id INTEGER PRIMARY KEY," /* also the order events happened in, whatever the clock did */
    "  uuid TEXT NOT NULL UNIQUE,"
    "  probationer_id INTEGER REFERENCES probationers(id),"
    "  finger_id INTEGER REFERENCES fingers(id),"
    "  method TEXT NOT NULL CHECK (method IN ('finger', 'case_number')),"
    "  result TEXT NOT NULL CHECK (result IN ('recorded', 'duplicate', 'not_recognised')),"
    "  score REAL,"
    "  wall_time TEXT NOT NULL,"   /* local time with UTC offset, as the person saw it */
    "  wall_utc_us INTEGER NOT NULL,"
    "  local_date TEXT NOT NULL,"  /* YYYY-MM-DD in the kiosk's time zone */
    "  mono_us INTEGER NOT NULL,"  /* CLOCK_MONOTONIC: orders events across NTP jumps ... */
    "  boot_id TEXT NOT NULL,"     /* ... within one boot */
    "  device_id TEXT NOT NULL,"
    "  sync_state TEXT NOT NULL DEFAULT 'pending'"
    "    CHECK (sync_state IN ('pending', 'sent', 'quarantined')));"
    "CREATE INDEX checkins_by_date ON checkins (local_date);"
    "CREATE INDEX checkins_by_person ON checkins (probationer_id, wall_utc_us);"
    "CREATE INDEX checkins_unsent ON checkins (sync_state) WHERE sync_state = 'pending';"
    "CREATE TABLE audit ("
    "  id INTEGER PRIMARY KEY,"
    "  at TEXT NOT NULL,"
    "  actor TEXT NOT NULL,"
    "  action TEXT NOT NULL,"
    "  subject TEXT,"
    "  detail TEXT,"
    "  prev_hash TEXT NOT NULL,"
    "  hash TEXT NOT NULL);"
    "CREATE TRIGGER audit_append_only_u BEFORE UPDATE ON audit"
    "  BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END;"
    "CREATE TRIGGER audit_append_only_d BEFORE DELETE ON audit"
    "  BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END;",

    /* 2: officers (officer mode) and the check-in log's queries. */
    "CREATE TABLE officers ("
    "  id INTEGER PRIMARY KEY,"
    "  username TEXT NOT NULL UNIQUE,"
    "  name TEXT NOT NULL,"
    "  role TEXT NOT NULL CHECK (role IN ('officer', 'admin')),"
    "  pin_hash TEXT NOT NULL," /* libsodium crypto_pwhash_str: Argon2id, salted, self-describing */
    "  status TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'inactive')),"
    "  failed_pins INTEGER NOT NULL DEFAULT 0,"
    "  locked_until_us INTEGER NOT NULL DEFAULT 0," /* wall clock: a lockout survives a restart */
    "  created_at TEXT NOT NULL);"
    "CREATE INDEX checkins_by_date_id ON checkins (local_date, id);"
    "CREATE INDEX probationers_by_name ON probationers (name_en COLLATE NOCASE);",

    /* 3: reporting schedules (who is due when: the officer's "today" roster, the next reporting date). */
    "CREATE TABLE schedules ("
    "  probationer_id INTEGER PRIMARY KEY REFERENCES probationers(id),"
    "  rule TEXT NOT NULL,"  /* app/schedule.h: weekly:tue, every:14, monthly:5 */
    "  starts TEXT NOT NULL,"
    "  ends TEXT,"
    "  due_by TEXT,"         /* HH:MM: after it a check-in is late */
    "  updated_at TEXT NOT NULL);"
    /* Bumped by any change to who can be recognised, from any process (haazri-ctl, sync): the kiosk
     * polls it and reloads its search gallery without a restart. */
    "CREATE TABLE gallery_version (id INTEGER PRIMARY KEY CHECK (id = 1), version INTEGER NOT NULL);"
    "INSERT INTO gallery_version VALUES (1, 0);"
    "CREATE TRIGGER gallery_fingers_i AFTER INSERT ON fingers"
    "  BEGIN UPDATE gallery_version SET version = version + 1; END;"
    "CREATE TRIGGER gallery_fingers_u AFTER UPDATE ON fingers"
    "  BEGIN UPDATE gallery_version SET version = version + 1; END;"
    "CREATE TRIGGER gallery_fingers_d AFTER DELETE ON fingers"
    "  BEGIN UPDATE gallery_version SET version = version + 1; END;"
    "CREATE TRIGGER gallery_status AFTER UPDATE OF status ON probationers"
    "  BEGIN UPDATE gallery_version SET version = version + 1; END;",

    /* 4: sync with the central server (sync/). The outbox stays the checkins table (sync_state);
     * a quarantined row keeps the server's reason. sync_meta holds the pull cursor, the last
     * contact and the clock offset; messages arrive with the roster (schedules: migration 3). */
    "ALTER TABLE checkins ADD COLUMN sync_error TEXT;"
    "CREATE TABLE sync_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);"
    "CREATE TABLE messages ("
    "  id INTEGER PRIMARY KEY,"
    "  remote_id TEXT NOT NULL UNIQUE,"
    "  probationer_id INTEGER REFERENCES probationers(id)," /* NULL: for everyone at this office */
    "  text_en TEXT, text_ur TEXT,"
    "  valid_until TEXT);",

    /* 5: what the check-in screen shows and asks (issue 4): a next reporting date an officer sets
     * by hand (else the schedule's), a photo, and the answers to the after-check-in questions. The
     * officer's message is a row of `messages` (4) with remote_id 'local:<probationer id>'. */
    "ALTER TABLE probationers ADD COLUMN next_report_date TEXT" /* YYYY-MM-DD or NULL */
    "  CHECK (next_report_date IS NULL OR next_report_date GLOB"
    "    '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]');"
    "CREATE TABLE photos ("
    "  probationer_id INTEGER PRIMARY KEY REFERENCES probationers(id),"
    "  png BLOB NOT NULL);"
    "CREATE TABLE checkin_answers ("
    "  checkin_uuid TEXT NOT NULL REFERENCES checkins(uuid),"
    "  question_id TEXT NOT NULL,"
    "  answer TEXT NOT NULL CHECK (answer IN ('yes', 'no')),"
    "  answered_at TEXT NOT NULL,"
    "  PRIMARY KEY (checkin_uuid, question_id));",

    /* 6: settings an administrator changed on the kiosk's own screen (app/settings.h). They lie
     * over haazri.conf's value of the same [group] key until reset; every change is also an
     * audit row. Officers' own fingers, asked for after the PIN on the kiosk's screen. */
    "CREATE TABLE device_settings ("
    "  name TEXT PRIMARY KEY," /* group.key, e.g. scanner.capture */
    "  value TEXT NOT NULL,"
    "  changed_by TEXT NOT NULL,"
    "  changed_at TEXT NOT NULL);"
    "CREATE TABLE officer_fingers ("
    "  officer_id INTEGER NOT NULL REFERENCES officers(id),"
    "  finger TEXT NOT NULL,"
    "  print BLOB NOT NULL," /* fp_print_serialize(); never logged */
    "  enrolled_at TEXT NOT NULL,"
    "  PRIMARY KEY (officer_id, finger));"
    /* Fingers enrolled on this kiosk go up to the centre (sync/): sent_at NULL = not yet there.
     * Marking one sent must not reload the search gallery, so the update trigger watches only
     * what the gallery is made of. */
    "ALTER TABLE fingers ADD COLUMN sent_at TEXT;"
    "CREATE INDEX fingers_unsent ON fingers (id) WHERE sent_at IS NULL;"
    /* Likewise a (de)activation made here: status_sent_at NULL until the centre has it. What was
     * there before this version counts as known to the centre. */
    "ALTER TABLE probationers ADD COLUMN status_sent_at TEXT;"
    "UPDATE probationers SET status_sent_at = updated_at;"
    "CREATE INDEX probationers_status_unsent ON probationers (id) WHERE status_sent_at IS NULL;"
    "DROP TRIGGER gallery_fingers_u;"
    "CREATE TRIGGER gallery_fingers_u AFTER UPDATE OF probationer_id, finger, print, driver ON fingers"
    "  BEGIN UPDATE gallery_version SET version = version + 1; END;",

    /* 7: names, CNIC and fingerprint templates encrypted at rest (app/seal.h: seal() and unseal() are
     * registered on the connection before migrating). The CNIC moves to cnic_sealed (the old
     * column's 13-digit CHECK cannot hold a sealed value; the store checks the digits before
     * sealing). Case numbers stay in the clear: they are the identifiers every other record and
     * the centre use. The name index goes: names are searched after unsealing. */
    "ALTER TABLE probationers ADD COLUMN cnic_sealed BLOB;"
    "UPDATE probationers SET cnic_sealed = seal(cnic, 'cnic'), cnic = NULL, name_en = seal(name_en, 'name_en'),"
    "  name_ur = seal(name_ur, 'name_ur');"
    "UPDATE fingers SET print = seal(print, 'print');"
    "UPDATE officer_fingers SET print = seal(print, 'officer_print');"
    "DROP INDEX probationers_by_name;",
    /* 8: the PIN a probationer has at an ADMS ("iclock") attendance server (sync/adms.h): one per
     * person, unique, letters and digits only (ZKTeco's PIN field). NULL: not known there. Which
     * check-ins and audit rows that server acknowledged lives in sync_meta (adms.*), apart from the
     * central server's sync_state: each target has its own acknowledged position. */
    "ALTER TABLE probationers ADD COLUMN adms_pin TEXT"
    "  CHECK (adms_pin IS NULL OR (length(adms_pin) BETWEEN 1 AND 24 AND adms_pin NOT GLOB '*[^0-9A-Za-z]*'));"
    "CREATE UNIQUE INDEX probationers_by_adms_pin ON probationers (adms_pin) WHERE adms_pin IS NOT NULL;",
    /* 9: photos sealed like names and templates (app/seal.h): a face is personal data too. */
    "UPDATE photos SET png = seal(png, 'photo');",
    /* 10: the rest of what is personal sealed too (docs/security.md section 7 lists every column):
     * messages to a probationer ("Fatima, bring your CNIC"), officers' names, and the answers to
     * the after-check-in questions ("arrested: yes"). An answer is sealed as 'yes' or 'no ' (padded):
     * the same length either way, so the ciphertext's length does not tell them apart. The answers'
     * table is rebuilt: its CHECK (answer IN ('yes', 'no')) cannot hold a sealed value; rowid is kept
     * (it is the order answers go up to the centre in, store-answers.h). Question ids, case numbers,
     * times and user names stay in the clear: they are what the store looks rows up by. */
    "UPDATE messages SET text_en = seal(text_en, 'message_en'), text_ur = seal(text_ur, 'message_ur');"
    "UPDATE officers SET name = seal(name, 'officer_name');"
    "CREATE TABLE checkin_answers_sealed ("
    "  checkin_uuid TEXT NOT NULL REFERENCES checkins(uuid),"
    "  question_id TEXT NOT NULL,"
    "  answer BLOB NOT NULL," /* seal('yes' | 'no ', 'answer') */
    "  answered_at TEXT NOT NULL,"
    "  PRIMARY KEY (checkin_uuid, question_id));"
    "INSERT INTO checkin_answers_sealed (rowid, checkin_uuid, question_id, answer, answered_at)"
    "  SELECT rowid, checkin_uuid, question_id, seal(CASE answer WHEN 'yes' THEN 'yes' ELSE 'no ' END, 'answer'),"
    "  answered_at FROM checkin_answers;"
    "DROP TABLE checkin_answers;"
    "ALTER TABLE checkin_answers_sealed RENAME TO checkin_answers;",
    /* 11: each finger's search index (engine_get_index()), sealed like its print: building it was
     * most of the start-up, so it is saved after it is first built (app/search.c). A cache: NULL
     * until then, cleared when the print changes, and rebuilt whenever it is not this print's. */
    "ALTER TABLE fingers ADD COLUMN search_index BLOB;",
    /* 12: whose fingers changed, in order (store_list_gallery_changes): the running kiosk takes in an
     * enrollment or a deactivation by re-reading those people only. Reloading the whole gallery held a
     * second engine beside the first (~300 MB at 20,000 dense fingers) and the kiosk's main loop for
     * ~0.6 s, after every change. Only the newest 10,000 rows stay (a few bytes each); a reader further
     * behind sees the gap and reads the whole gallery again. */
    "CREATE TABLE gallery_changes (seq INTEGER PRIMARY KEY AUTOINCREMENT, probationer_id INTEGER NOT NULL);"
    "CREATE TRIGGER gallery_changes_fi AFTER INSERT ON fingers"
    "  BEGIN INSERT INTO gallery_changes (probationer_id) VALUES (NEW.probationer_id); END;"
    "CREATE TRIGGER gallery_changes_fu AFTER UPDATE OF probationer_id, finger, print, driver ON fingers BEGIN"
    "  INSERT INTO gallery_changes (probationer_id) SELECT OLD.probationer_id"
    "    WHERE OLD.probationer_id <> NEW.probationer_id;"
    "  INSERT INTO gallery_changes (probationer_id) VALUES (NEW.probationer_id); END;"
    "CREATE TRIGGER gallery_changes_fd AFTER DELETE ON fingers"
    "  BEGIN INSERT INTO gallery_changes (probationer_id) VALUES (OLD.probationer_id); END;"
    "CREATE TRIGGER gallery_changes_status AFTER UPDATE OF status ON probationers"
    "  BEGIN INSERT INTO gallery_changes (probationer_id) VALUES (NEW.id); END;"
    "CREATE TRIGGER gallery_changes_kept AFTER INSERT ON gallery_changes"
    "  BEGIN DELETE FROM gallery_changes WHERE seq <= NEW.seq - 10000; END;",
};

int store_schema_latest(void)
{
    return (int)G_N_ELEMENTS(migrations);
}

gboolean store_schema_migrate(sqlite3 *db, int from, int to, GError **error)
{
    g_return_val_if_fail(from >= 0 && to <= store_schema_latest(), FALSE);
    if (from >= to)
        return TRUE;
    char *msg = NULL;
    if (sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, &msg) != SQLITE_OK)
        goto fail;
    for (int v = from; v < to; v++) {
        if (sqlite3_exec(db, migrations[v], NULL, NULL, &msg) != SQLITE_OK)
            goto fail;
        g_autofree char *set = g_strdup_printf("PRAGMA user_version = %d", v + 1);
        if (sqlite3_exec(db, set, NULL, NULL, &msg) != SQLITE_OK)
            goto fail;
    }
    if (sqlite3_exec(db, "COMMIT", NULL, NULL, &msg) != SQLITE_OK)
        goto fail;
    return TRUE;

fail:
    g_set_error(error, g_quark_from_static_string("haazri-schema"), sqlite3_errcode(db),
                "could not bring the database from version %d to %d: %s", from, to,
                msg ? msg : sqlite3_errmsg(db));
    sqlite3_free(msg);
    sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
    return FALSE;
}
