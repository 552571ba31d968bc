/* owner — files in the data folder belong to the service user, whoever made them.
 *
 * The installer runs haazri-ctl as root (provision, enroll, officer add); the kiosk runs as the
 * service user (User=haazri). A database or key created root:root would leave the kiosk reading a
 * database it cannot write ("ready", and every check-in NOT SAVED). So when the process is root,
 * every file it creates in the data folder is handed to the owner of that folder (the package
 * creates /var/lib/haazri as haazri:haazri). As any other user nothing changes hands. */
#pragma once

#include <glib.h>

/* Hands `path` (not following a link) to the owner of the folder it is in, when running as root and
 * that folder belongs to someone else. TRUE when there was nothing to do. */
gboolean owner_adopt(const char *path, GError **error);
/* The same for a file just opened as `fd` in `folder`. */
gboolean owner_adopt_fd(int fd, const char *folder, GError **error);
/* A sentence naming the files in `folder` that do not belong to its owner (the service user could
 * not write or read them: the kiosk would say NOT SAVED), or NULL when all do. */
char *owner_find_foreign(const char *folder);
