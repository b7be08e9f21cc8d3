# -*- coding: utf-8 -*-
# Copyright: kvmnet.netboot contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""A host that can be rebooted, in network namespaces, whose network is brought up by the real daemon.

- The "switch" namespace holds the gateway (198.51.100.1/24, 2001:db8:b::1/64) and a dnsmasq that
  answers DHCP (by MAC, as MAAS's DHCP server does for the hosts it knows) and sends router
  advertisements (SLAAC).
- The "host" namespace has one NIC, enp1s0, a veth whose peer is in the switch.
- Everything that runs "on the host" runs inside the host namespace and one private mount namespace
  per boot (``enter.sh`` makes it, a holder process keeps it, ``nsenter`` joins it) where
  /etc/netplan, /etc/network and /etc/NetworkManager are the lab's own directories (under a temporary
  root), /run starts empty and /sys is read-only - so the real daemons and the module read and write
  the lab's files, never the machine's, and share one /run as on a real host.
- ``boot()`` starts the backend's real consumer: ``netplan generate`` and ``systemd-networkd``,
  ``NetworkManager`` with a private D-Bus, or ``ifup -a``. ``reboot()`` kills every process of the
  host namespace, deletes it (its NIC with it) and builds a fresh one with the same NIC name and MAC
  and no bridge: only the persisted files bring the network up again.

systemd-networkd runs without systemd as PID 1: /sys is read-only in its mount namespace, which is
how a container tells it not to wait for udev.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import os
import shutil
import subprocess
import tempfile
import time

from kvmnet_lab.shell import sh

import lab

HOST = lab.LAB_PREFIX + 'rb-host'
SWITCH = lab.LAB_PREFIX + 'rb-sw'
NIC = 'enp1s0'
MAC = '02:00:00:00:0b:01'
GATEWAY = '198.51.100.1'
GATEWAY6 = '2001:db8:b::1'
PREFIX6 = '2001:db8:b::'
NAMESERVER = '198.51.100.53'

ENTER = """#!/bin/sh
# Run "$@" on the lab host: its network namespace (ip netns exec) and a private view of the files.
set -e
root=%(root)s
mount --bind "$root/etc/netplan" /etc/netplan
mount --bind "$root/etc/network" /etc/network
mount --bind "$root/etc/NetworkManager" /etc/NetworkManager
mount --bind "$root/var/lib/NetworkManager" /var/lib/NetworkManager
mount --bind "$root/var/lib/dhcp" /var/lib/dhcp
mount -t tmpfs tmpfs /run
mkdir -p /run/systemd/network /run/systemd/netif/links /run/systemd/netif/leases /run/systemd/netif/lldp \
    /run/NetworkManager /run/network /run/dbus /run/lock
chown -R systemd-network:systemd-network /run/systemd/netif
mount -o remount,ro /sys
dbus-daemon --system --fork --nopidfile
exec "$@"
"""

NM_CONF = """[main]
plugins=keyfile
dhcp=internal
[logging]
level=INFO
"""

# The daemon of each backend, started at boot inside enter.sh.
BOOT = {
    'netplan': ['sh', '-c', 'netplan generate && exec /lib/systemd/systemd-networkd'],
    'networkmanager': ['NetworkManager', '--no-daemon'],
    # udev would bring up the allow-hotplug interfaces: here ifup does, after the auto ones
    'ifupdown': ['sh', '-c', 'ifup -a && ifup -a --allow=hotplug && exec sleep 86400'],
}


class RebootLab(object):
    """One lab host with the given persistence backend."""

    def __init__(self, backend):
        self.backend = backend
        self.root = tempfile.mkdtemp(prefix='kvmnt-reboot-')
        # the hook directories the packages installed (if-up.d, ...), without the machine's own stanzas
        shutil.copytree('/etc/network', os.path.join(self.root, 'etc/network'), symlinks=True,
                        ignore=lambda directory, names: [n for n in names if n.startswith('interfaces')])
        for path in ('etc/netplan', 'etc/network/interfaces.d', 'etc/NetworkManager/system-connections',
                     'etc/NetworkManager/conf.d', 'var/lib/NetworkManager', 'var/lib/dhcp'):
            os.makedirs(os.path.join(self.root, path))
        os.chmod(os.path.join(self.root, 'etc/NetworkManager/system-connections'), 0o700)
        self.write('etc/NetworkManager/NetworkManager.conf', NM_CONF)
        self.write('etc/network/interfaces', 'auto lo\niface lo inet loopback\n\n'
                                             'source /etc/network/interfaces.d/*\n')
        self.enter = os.path.join(self.root, 'enter.sh')
        self.write('enter.sh', ENTER % {'root': self.root}, 0o755)
        self.daemon = None
        self.holder = None
        self.dnsmasq = None
        self._switch()
        self._host()

    def write(self, relative, text, mode=0o600):
        path = os.path.join(self.root, relative)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, 'w') as handle:
            handle.write(text)
        os.chmod(path, mode)
        return path

    def read(self, relative):
        with open(os.path.join(self.root, relative)) as handle:
            return handle.read()

    def on_host(self, *cmd):
        """The command line that runs ``cmd`` on the lab host (its network and mount namespaces)."""
        return ['nsenter', '--target', str(self.holder.pid), '--mount', '--net', '--'] + list(cmd)

    def run(self, *cmd, **kwargs):
        return sh(*self.on_host(*cmd), **kwargs)

    def _switch(self):
        sh('ip', 'netns', 'add', SWITCH)
        sh('ip', 'netns', 'exec', SWITCH, 'ip', 'link', 'set', 'lo', 'up')

    def _dnsmasq(self):
        if self.dnsmasq is not None:
            self.dnsmasq.terminate()
            self.dnsmasq.wait()
        self.dnsmasq = subprocess.Popen([
            'ip', 'netns', 'exec', SWITCH, 'dnsmasq', '--keep-in-foreground', '--conf-file=/dev/null', '--port=0',
            '--interface=sw0', '--bind-interfaces', '--user=root', '--dhcp-ignore-clid', '--log-dhcp',
            '--dhcp-range=198.51.100.100,198.51.100.150,255.255.255.0,2m', '--enable-ra',
            '--dhcp-range=%s,ra-only,64,2m' % PREFIX6, '--dhcp-option=option:router,%s' % GATEWAY,
            '--dhcp-option=option:dns-server,%s' % NAMESERVER,
            '--dhcp-leasefile=%s' % os.path.join(self.root, 'switch.leases'),
            '--log-facility=%s' % os.path.join(self.root, 'switch-dhcp.log')],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    def _host(self):
        """A fresh host: the NIC (same name, same MAC) and nothing else; a new switch port for it."""
        sh('ip', 'netns', 'add', HOST)
        sh('ip', 'netns', 'exec', HOST, 'ip', 'link', 'set', 'lo', 'up')
        sh('ip', '-n', HOST, 'link', 'add', NIC, 'address', MAC, 'type', 'veth', 'peer', 'name', 'sw0',
           'netns', SWITCH)
        for command in (['ip', 'link', 'set', 'sw0', 'up'], ['ip', 'addr', 'add', GATEWAY + '/24', 'dev', 'sw0'],
                        ['ip', 'addr', 'add', GATEWAY6 + '/64', 'dev', 'sw0', 'nodad']):
            sh('ip', 'netns', 'exec', SWITCH, *command)
        self._dnsmasq()
        # the boot's mount namespace (fresh /run, the lab's files), kept by a process that only waits
        self.holder = subprocess.Popen(['ip', 'netns', 'exec', HOST, self.enter, 'sleep', 'infinity'],
                                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        for dummy in range(50):
            if os.path.exists('/proc/%d/ns/mnt' % self.holder.pid) and \
                    sh('readlink', '/proc/%d/exe' % self.holder.pid, check=False).stdout.strip().endswith('sleep'):
                return
            time.sleep(0.1)
        raise AssertionError('the lab host did not start: %s' % self.read('daemon.log'))

    def boot(self, holder, timeout=30):
        """Start the backend's daemon; wait until ``holder`` has an IPv4 address and a default route."""
        self.daemon = subprocess.Popen(self.on_host(*BOOT[self.backend]), stdout=subprocess.DEVNULL,
                                       stderr=open(os.path.join(self.root, 'daemon.log'), 'a'))
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.ipv4(holder) and self.default_route(holder):
                return
            time.sleep(0.5)
        raise AssertionError('%s did not bring up %s within %d s: %s\n%s' % (
            self.backend, holder, timeout, self.links(), self.read('daemon.log')[-3000:]))

    def stop_daemon(self):
        """Stop the network daemon and every process it started (dhclient); the links stay as they are."""
        keep = set([str(self.holder.pid)] if self.holder else [])
        for pid in sh('ip', 'netns', 'pids', HOST).stdout.split():
            if pid not in keep and 'dbus-daemon' not in sh('cat', '/proc/%s/comm' % pid, check=False).stdout:
                sh('kill', pid, check=False)
        if self.daemon is not None:
            self.daemon.wait()
            self.daemon = None
        time.sleep(0.5)

    def power_off(self):
        """Every process of the host ends (its /run with them)."""
        self.stop_daemon()
        for pid in sh('ip', 'netns', 'pids', HOST, check=False).stdout.split():
            sh('kill', pid, check=False)
        if self.holder is not None:
            self.holder.wait()
            self.holder = None

    def reboot(self):
        self.power_off()
        # the NIC goes with the host; delete it first, the kernel frees a namespace's links lazily
        sh('ip', '-n', SWITCH, 'link', 'del', 'sw0', check=False)
        sh('ip', 'netns', 'del', HOST)
        self._host()

    def close(self):
        self.power_off()
        sh('ip', 'netns', 'del', HOST, check=False)
        if self.dnsmasq is not None:
            self.dnsmasq.terminate()
            self.dnsmasq.wait()
        sh('ip', 'netns', 'del', SWITCH, check=False)
        shutil.rmtree(self.root, ignore_errors=True)

    # What the host shows.
    def links(self):
        return dict((link['ifname'], link) for link in json.loads(sh(
            'ip', '-n', HOST, '-j', '-d', 'addr', 'show').stdout or '[]'))

    def ipv4(self, name):
        link = self.links().get(name) or {}
        return [a['local'] for a in link.get('addr_info') or [] if a.get('family') == 'inet']

    def ipv6_global(self, name):
        link = self.links().get(name) or {}
        return [a['local'] for a in link.get('addr_info') or [] if a.get('family') == 'inet6'
                and a.get('scope') == 'global']

    def default_route(self, name, family='-4'):
        return [r for r in json.loads(sh('ip', '-n', HOST, '-j', family, 'route', 'show', 'default').stdout or '[]')
                if r.get('dev') == name]

    def dhcp_acks(self):
        """How many DHCPACKs the switch sent to the host's MAC so far."""
        try:
            log = self.read('switch-dhcp.log')
        except (IOError, OSError):
            return 0
        return len([line for line in log.splitlines() if 'DHCPACK(sw0)' in line and MAC in line])

    def wait_for(self, condition, what, timeout=30):
        deadline = time.monotonic() + timeout
        while not condition():
            if time.monotonic() >= deadline:
                raise AssertionError('%s did not happen within %d s: %s' % (what, timeout, self.links()))
            time.sleep(0.5)

    def pings(self, address):
        return sh('ip', 'netns', 'exec', HOST, 'ping', '-c', '1', '-W', '2', '-n', address, check=False).returncode == 0
