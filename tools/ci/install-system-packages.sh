#!/usr/bin/env bash
# Install the Debian/Ubuntu packages `make test` and `make demo` need. Idempotent; root only.
set -euo pipefail
packages=(
  libvirt-daemon-system libvirt-clients libvirt-dev pkg-config
  qemu-system-x86 qemu-utils ipxe-qemu dnsmasq-base
  iproute2 iputils-ping python3-venv python3-dev gcc git graphviz netplan.io shellcheck
  python3-libvirt python3-lxml python3-netaddr
  # the real consumers of the persisted bridge files, for the reboot tests (run in namespaces only)
  systemd network-manager dbus ifupdown isc-dhcp-client bridge-utils
  # MAAS's power path: a real sshd (started by the tests, on their own addresses), polkit for libvirt's access
  # driver, the virsh client the rack runs, netcat for hosts without virt-ssh-helper; UEFI firmware for the demo
  openssh-server openssh-client polkitd netcat-openbsd ovmf
)
if [ "$(id -u)" != 0 ]; then
  echo "install-system-packages: run as root (apt-get is needed)" >&2
  exit 1
fi
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "system packages: all present"
  exit 0
fi
echo "system packages: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
# Keep the host's own services and config alone: no recommends, keep existing config files.
# No service may start while these install: NetworkManager or ifupdown's networking would take over
# the machine's own NIC. policy-rc.d (honoured by invoke-rc.d and deb-systemd-invoke) says no.
own_policy=""
if [ ! -e /usr/sbin/policy-rc.d ]; then
  printf '#!/bin/sh\n# kvmnet.netboot install-system-packages: no service starts during the install\nexit 101\n' \
    > /usr/sbin/policy-rc.d
  chmod 755 /usr/sbin/policy-rc.d
  own_policy=1
fi
trap '[ -z "$own_policy" ] || rm -f /usr/sbin/policy-rc.d' EXIT
apt-get install -y -qq --no-install-recommends -o Dpkg::Options::=--force-confold "${missing[@]}" >/dev/null
