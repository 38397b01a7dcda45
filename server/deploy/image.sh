#!/usr/bin/env bash
# image.sh BINARY SITE_DIR OUT.tar [NAME:TAG]
#
# Wharf's container image, built from scratch with no registry and no
# container engine: one layer with the statically linked server
# (/wharf-server, stripped here) and the site (/site), an empty /tmp, and
# nothing else — no shell, no package manager, no libc. It runs as user
# 65532 (no passwd entry needed for a numeric user).
#
# OUT.tar is an OCI image layout (oci-layout, index.json, blobs/sha256/…),
# with a `docker save` manifest.json beside it, so `ctr images import`,
# `podman load` and `docker load` all take it. Byte-for-byte reproducible
# for the same inputs (sorted entries, mtime 0, owner 0).
set -euo pipefail
bin=$1 site=$2 out=$3 name=${4:-localhost/wharf:dev}
[ -x "$bin" ] || { echo "image.sh: $bin is not an executable" >&2; exit 1; }
[ -f "$site/pkg/wharf.wasm" ] || { echo "image.sh: $site has no pkg/wharf.wasm (build the site first)" >&2; exit 1; }
if file "$bin" 2>/dev/null | grep -q 'dynamically linked'; then
  echo "image.sh: $bin is dynamically linked; build with --target x86_64-unknown-linux-musl" >&2; exit 1
fi
tag=${name##*:}

work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
root=$work/rootfs
mkdir -p "$root/site" "$root/tmp" "$work/oci/blobs/sha256"
strip -o "$root/wharf-server" "$bin" 2>/dev/null || cp "$bin" "$root/wharf-server"
chmod 0755 "$root/wharf-server"
cp -r "$site/." "$root/site/"
chmod 1777 "$root/tmp"

blob() { # file -> moves it into blobs/, prints its digest
  local digest
  digest=$(sha256sum "$1" | cut -d' ' -f1)
  mv "$1" "$work/oci/blobs/sha256/$digest"
  echo "$digest"
}

tar --sort=name --owner=0 --group=0 --numeric-owner --mtime=@0 -C "$root" -cf "$work/layer.tar" .
diff_id=$(sha256sum "$work/layer.tar" | cut -d' ' -f1)
gzip -n -6 "$work/layer.tar"
layer_size=$(stat -c %s "$work/layer.tar.gz")
layer=$(blob "$work/layer.tar.gz")

cat >"$work/config.json" <<JSON
{"architecture":"amd64","os":"linux","created":"1970-01-01T00:00:00Z",
 "config":{"User":"65532:65532","Entrypoint":["/wharf-server"],"WorkingDir":"/",
  "Env":["PATH=/","LEPTOS_SITE_ROOT=/site","WHARF_LISTEN=0.0.0.0:8080"],
  "ExposedPorts":{"8080/tcp":{}},
  "Labels":{"org.opencontainers.image.title":"Wharf","org.opencontainers.image.description":"A web console for container services on Kubernetes"}},
 "rootfs":{"type":"layers","diff_ids":["sha256:$diff_id"]},
 "history":[{"created":"1970-01-01T00:00:00Z","created_by":"server/deploy/image.sh"}]}
JSON
config_size=$(stat -c %s "$work/config.json")
config=$(blob "$work/config.json")

cat >"$work/manifest.json" <<JSON
{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json",
 "config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"sha256:$config","size":$config_size},
 "layers":[{"mediaType":"application/vnd.oci.image.layer.v1.tar+gzip","digest":"sha256:$layer","size":$layer_size}]}
JSON
manifest_size=$(stat -c %s "$work/manifest.json")
manifest=$(blob "$work/manifest.json")

printf '{"imageLayoutVersion":"1.0.0"}' >"$work/oci/oci-layout"
cat >"$work/oci/index.json" <<JSON
{"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json",
 "manifests":[{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"sha256:$manifest","size":$manifest_size,
  "annotations":{"io.containerd.image.name":"$name","org.opencontainers.image.ref.name":"$tag"}}]}
JSON
# `docker load` / `podman load` read this one.
cat >"$work/oci/manifest.json" <<JSON
[{"Config":"blobs/sha256/$config","RepoTags":["$name"],"Layers":["blobs/sha256/$layer"]}]
JSON

tar --sort=name --owner=0 --group=0 --numeric-owner --mtime=@0 -C "$work/oci" -cf "$out.tmp" .
mv "$out.tmp" "$out"
printf 'image %s: %s bytes compressed (layer %s), server %s bytes, site %s bytes\n' "$name" \
  "$(stat -c %s "$out")" "$layer_size" "$(stat -c %s "$root/wharf-server")" "$(du -sb "$root/site" | cut -f1)" >&2
