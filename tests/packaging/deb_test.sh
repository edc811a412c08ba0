#!/usr/bin/env bash
# The Debian packages: CPack builds servicelens, servicelens-plugins and
# servicelens-sdk-dev from this build; dpkg installs them into a rooted
# tree (its own dpkg database, so the machine's is untouched); every
# dependency they declare must be a package this machine has; and the CLI
# runs from the tree and finds the packaged plugins by itself.
#   deb_test.sh BUILD_DIR
set -euo pipefail
build=$(cd "$1" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

(cd "$build" && cpack -G DEB -B "$work/debs" >/dev/null)
mapfile -t debs < <(ls "$work"/debs/*.deb)
names=$(for d in "${debs[@]}"; do dpkg-deb -f "$d" Package; done | sort | tr '\n' ' ')
echo "packages: $names"
[ "$names" = "servicelens servicelens-plugins servicelens-sdk-dev " ]

# Each dependency names a package that is installed here (or one that an
# installed package provides: libspdlog1.10 provides libspdlog1.10-fmt9),
# or one of ours.
provided=$(dpkg-query -W -f='${Status} ${Provides}\n' 2>/dev/null | sed -n 's/^install ok installed //p' | tr ', ' '\n\n')
installed_or_provided() {
    [ "$(dpkg-query -W -f='${Status}' "$1" 2>/dev/null)" = "install ok installed" ] || grep -qxF "$1" <<< "$provided"
}
for d in "${debs[@]}"; do
    depends=$(dpkg-deb -f "$d" Depends)
    echo "$(dpkg-deb -f "$d" Package): $depends"
    for dependency in $(echo "$depends" | tr ',' '\n' | sed 's/(.*)//; s/|.*//' | tr -d ' '); do
        case " $names " in *" $dependency "*) continue ;; esac
        installed_or_provided "$dependency" ||
            { echo "deb_test: $(basename "$d") depends on $dependency, which is not installed here" >&2; exit 1; }
    done
done

root="$work/root"
mkdir -p "$root/var/lib/dpkg/updates" "$root/var/lib/dpkg/info"
touch "$root/var/lib/dpkg/status"
# --force-depends: the rooted database knows none of the machine's packages;
# the loop above checked the dependencies against the machine instead.
dpkg --root="$root" --force-not-root --force-depends --force-script-chrootless -i "${debs[@]}" >"$work/dpkg.log" 2>&1 || { cat "$work/dpkg.log"; exit 1; }
dpkg --root="$root" -l | grep '^ii' | awk '{print $2}'

"$root/usr/bin/servicelens" version
"$root/usr/bin/servicelens" plugins list | tee "$work/plugins.txt"
grep -q "org.servicelens.example.email-domain" "$work/plugins.txt"
grep -q "org.servicelens.example.priority-label-c" "$work/plugins.txt"
"$root/usr/bin/servicelens-plugin-check" "$root"/usr/lib/servicelens/plugins/ticket-volume.so >/dev/null
[ -f "$root/usr/include/servicelens/servicelens.h" ]
[ -f "$root/usr/lib/cmake/ServiceLens/ServiceLensConfig.cmake" ]
[ -f "$root/usr/share/servicelens/schemas/config.schema.json" ]
echo "deb_test: the three packages install and run"
