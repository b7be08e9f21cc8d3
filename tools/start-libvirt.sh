#!/usr/bin/env bash
# Make sure virtlogd and libvirtd answer on qemu:///system. Starts them by hand when there is no
# systemd (CI containers); never starts libvirt's packaged `default` network (192.168.122.0/24).
set -euo pipefail
uri=qemu:///system
autostart_link=/etc/libvirt/qemu/networks/autostart/default.xml
# Without udev (containers, CI) /dev/kvm stays root-only. libvirt then finds KVM usable when it
# probes QEMU as root but unusable for its qemu user, throws its capability cache away on every call
# and re-probes QEMU (30-50 s per domain define). Apply the permissions Debian's udev rule gives it.
if [ -c /dev/kvm ] && getent group kvm >/dev/null && [ "$(stat -c %G:%a /dev/kvm)" != kvm:660 ]; then
  echo "libvirt: /dev/kvm -> root:kvm 0660 (as udev's rule sets it)"
  chgrp kvm /dev/kvm && chmod 0660 /dev/kvm
fi
if virsh -c "$uri" version >/dev/null 2>&1; then
  echo "libvirt: already answering on $uri"
  exit 0
fi
if [ -L "$autostart_link" ] || [ -e "$autostart_link" ]; then
  echo "libvirt: disabling autostart of the packaged 'default' network (192.168.122.0/24) before the first start"
  rm -f "$autostart_link"
fi
if [ -d /run/systemd/system ] && command -v systemctl >/dev/null; then
  systemctl start virtlogd.socket libvirtd.socket 2>/dev/null || systemctl start libvirtd || true
fi
if ! virsh -c "$uri" version >/dev/null 2>&1; then
  pgrep -x virtlogd >/dev/null || virtlogd -d
  pgrep -x libvirtd >/dev/null || libvirtd -d
fi
for _ in $(seq 1 60); do
  if virsh -c "$uri" version >/dev/null 2>&1; then
    echo "libvirt: answering on $uri"
    exit 0
  fi
  sleep 0.5
done
echo "libvirt: libvirtd did not answer on $uri within 30 s" >&2
exit 1
