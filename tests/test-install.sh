#!/bin/sh
# make install into a temporary root: the files an installer expects, with sane permissions; an
# edited /etc/haazri/haazri.conf survives a reinstall; the systemd units pass systemd-analyze verify;
# the man pages render without warnings; the service user is well-formed for systemd-sysusers.
. "$(dirname "$0")/lib.sh"
R="$T/root"
cd "$TOP"
make -s BUILD="$BUILD" install DESTDIR="$R" PREFIX=/usr > "$T/install.log" 2>&1 || { cat "$T/install.log"; fail "make install"; }

mode() { stat -c %a "$1"; }
for f in usr/bin/haazri usr/bin/haazri-ctl; do
    [ -x "$R/$f" ] && [ "$(mode "$R/$f")" = 755 ] || fail "$f missing or not 0755"
done
for f in etc/haazri/haazri.conf lib/systemd/system/haazri.service lib/udev/rules.d/70-haazri.rules \
         lib/sysusers.d/haazri.conf usr/share/man/man1/haazri.1 usr/share/man/man1/haazri-ctl.1 \
         usr/share/man/man5/haazri.conf.5; do
    [ -f "$R/$f" ] && [ "$(mode "$R/$f")" = 644 ] || fail "$f missing or not 0644"
done
[ "$(mode "$R/var/lib/haazri")" = 750 ] || fail "/var/lib/haazri is not 0750"
ls "$R"/usr/share/haazri/prompts/checked_in-ur.wav > /dev/null || fail "the spoken prompts are not installed"
grep -q '^ExecStart=/usr/bin/haazri --config /etc/haazri/haazri.conf' "$R/lib/systemd/system/haazri.service" || fail "unit ExecStart"

say "an edited configuration survives a reinstall"
echo "# edited by the installer" >> "$R/etc/haazri/haazri.conf"
make -s BUILD="$BUILD" install DESTDIR="$R" PREFIX=/usr > "$T/install2.log" 2>&1 || fail "second make install"
grep -q "edited by the installer" "$R/etc/haazri/haazri.conf" || fail "the edited haazri.conf was overwritten"
cmp -s config/haazri.conf "$R/etc/haazri/haazri.conf.dist" || fail "haazri.conf.dist missing"
grep -q "kept your" "$T/install2.log" || fail "the installer was not told"

say "systemd units verify"
mkdir -p "$T/units"
for u in "$R"/lib/systemd/system/*.service; do
    # verify wants the ExecStart binary to exist: point it into the temporary root
    sed "s|=/usr/bin/|=$R/usr/bin/|" "$u" > "$T/units/$(basename "$u")"
done
[ -x "$R/usr/bin/haazri-receiver" ] || { printf '#!/bin/sh\n' > "$R/usr/bin/haazri-receiver"; chmod +x "$R/usr/bin/haazri-receiver"; }
systemd-analyze verify --man=no "$T"/units/*.service > "$T/verify.log" 2>&1 || { cat "$T/verify.log"; fail "systemd-analyze verify"; }
[ ! -s "$T/verify.log" ] || { cat "$T/verify.log"; fail "systemd-analyze verify warned"; }

say "man pages render cleanly"
for m in "$R"/usr/share/man/man*/*; do
    out=$(LC_ALL=C.UTF-8 groff -man -Tutf8 -ww -z "$m" 2>&1)
    [ -z "$out" ] || fail "$m: $out"
done

say "the service user and its groups"
mkdir -p "$T/sysroot/etc"
systemd-sysusers --root="$T/sysroot" "$R/lib/sysusers.d/haazri.conf" > /dev/null 2>&1 || fail "systemd-sysusers rejected the file"
grep -q '^haazri:x:[0-9]*:[0-9]*:Haazri kiosk:/var/lib/haazri:/usr/sbin/nologin$' "$T/sysroot/etc/passwd" || fail "service user"
grep -q '^gpio:x:[0-9]*:haazri$' "$T/sysroot/etc/group" || fail "gpio group membership"
echo "install checks passed"
