#!/usr/bin/env bash
# Make sure virtlogd and libvirtd answer on qemu:///system. Starts them by hand when there is no
# systemd (CI containers); never starts libvirt's packaged `default` network (192.168.122.0/24), and never
# changes its definition or its autostart flag.
#
# Without systemd the system D-Bus and polkitd are started first: a libvirtd started before the bus keeps
# failing with "Unable to get system bus connection" (so one that runs without it is restarted), and
# libvirt's polkit access driver (role maas_power_access) asks polkitd over the bus.
#
# libvirt autostarts networks once per boot: when /run/libvirt/network/autostarted exists, a starting
# daemon skips them. Creating that marker before the first start keeps `default` down this boot while its
# autostart flag stays as it is; every other network set to autostart is then started here.
set -euo pipefail
uri=qemu:///system
autostart_link=/etc/libvirt/qemu/networks/autostart/default.xml
autostarted=/run/libvirt/network/autostarted
# Without udev (containers, CI) /dev/kvm stays root-only. libvirt then finds KVM usable when it
# probes QEMU as root but unusable for its qemu user, throws its capability cache away on every call
# and re-probes QEMU (30-50 s per domain define). Apply the permissions Debian's udev rule gives it.
if [ -c /dev/kvm ] && getent group kvm >/dev/null && [ "$(stat -c %G:%a /dev/kvm)" != kvm:660 ]; then
  echo "libvirt: /dev/kvm -> root:kvm 0660 (as udev's rule sets it)"
  chgrp kvm /dev/kvm && chmod 0660 /dev/kvm
fi
systemd=""
if [ -d /run/systemd/system ] && command -v systemctl >/dev/null; then systemd=1; fi
bus_started=""
# A process that runs - not a zombie, which a killed daemon leaves under a parent that does not reap it, and which
# pgrep and /proc/<pid>/comm still show.
alive() {
  [ -n "$1" ] && [ -e "/proc/$1/status" ] && ! grep -q '^State:[[:space:]]*Z' "/proc/$1/status" 2>/dev/null
}
running() {  # a process of that name that is alive
  local pid
  for pid in $(pgrep -x "$1"); do alive "$pid" && return 0; done
  return 1
}
# Asked on the bus, never by files or process names: a machine whose processes were killed (a CI machine after
# the session that used it) keeps /run/dbus/system_bus_socket and /run/dbus/pid with nobody behind them.
bus_answers() {
  dbus-send --system --print-reply --dest=org.freedesktop.DBus /org/freedesktop/DBus org.freedesktop.DBus.GetId \
    >/dev/null 2>&1
}
polkit_answers() {
  dbus-send --system --print-reply --dest=org.freedesktop.DBus /org/freedesktop/DBus \
    org.freedesktop.DBus.NameHasOwner string:org.freedesktop.PolicyKit1 2>/dev/null | grep -q 'boolean true'
}
if [ -z "$systemd" ]; then
  if ! bus_answers; then
    pid=$(cat /run/dbus/pid 2>/dev/null || true)
    if alive "$pid" && [ "$(cat "/proc/$pid/comm" 2>/dev/null)" = dbus-daemon ]; then
      echo "libvirt: dbus-daemon $pid runs but the system bus does not answer; stop it and run this again" >&2
      exit 1
    fi
    [ -e /run/dbus/system_bus_socket ] && echo "libvirt: removing the system bus's stale socket and pid file"
    mkdir -p /run/dbus
    rm -f /run/dbus/pid /run/dbus/system_bus_socket
    dbus-daemon --system --fork
    for _ in $(seq 1 50); do bus_answers && break; sleep 0.1; done
    bus_answers || { echo "libvirt: the system bus did not answer within 5 s" >&2; exit 1; }
    echo "libvirt: started the system D-Bus"
    bus_started=1
  fi
  if ! polkit_answers; then
    setsid /usr/lib/polkit-1/polkitd --no-debug </dev/null >/dev/null 2>&1 &
    for _ in $(seq 1 50); do polkit_answers && break; sleep 0.1; done
    polkit_answers || { echo "libvirt: polkitd did not come onto the system bus within 5 s" >&2; exit 1; }
    echo "libvirt: started polkitd"
  fi
  # a libvirtd this script started before the bus was there cannot reach polkit until it starts again
  if [ -n "$bus_started" ] && [ -s /run/libvirtd.pid ] && kill -0 "$(cat /run/libvirtd.pid)" 2>/dev/null; then
    pid=$(cat /run/libvirtd.pid)
    kill "$pid"
    for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    echo "libvirt: restarting libvirtd, which ran without the system bus"
  fi
fi
if virsh -c "$uri" version >/dev/null 2>&1; then
  echo "libvirt: already answering on $uri"
  exit 0
fi
held_back=""
if [ ! -e "$autostarted" ] && { [ -L "$autostart_link" ] || [ -e "$autostart_link" ]; }; then
  mkdir -p "$(dirname "$autostarted")"
  touch "$autostarted"
  held_back=1
fi
if [ -n "$systemd" ]; then
  systemctl start virtlogd.socket libvirtd.socket 2>/dev/null || systemctl start libvirtd || true
fi
if ! virsh -c "$uri" version >/dev/null 2>&1; then
  running virtlogd || virtlogd -d
  running libvirtd || libvirtd -d
fi
for _ in $(seq 1 60); do
  if virsh -c "$uri" version >/dev/null 2>&1; then
    echo "libvirt: answering on $uri"
    if [ -n "$held_back" ]; then
      for net in $(virsh -c "$uri" net-list --autostart --inactive --name); do
        [ "$net" = default ] || virsh -c "$uri" net-start "$net" >/dev/null
      done
      echo "libvirt: the packaged 'default' network (192.168.122.0/24) was not started this boot; its autostart flag is unchanged"
    fi
    exit 0
  fi
  sleep 0.5
done
echo "libvirt: libvirtd did not answer on $uri within 30 s" >&2
exit 1
