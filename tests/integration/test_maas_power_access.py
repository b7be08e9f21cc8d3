# -*- coding: utf-8 -*-
# Copyright: kvmnet.netboot contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The role maas_power_access on a KVM host (host B of migration_lab: its own libvirtd and network namespace,
and - shadowed in its mount namespace - its own /run/dbus and /etc/polkit-1/rules.d, so the role starts a system
bus and polkitd of host B's own, as on a host without systemd, and this machine's polkit is never touched),
checked the way MAAS uses it: from a second network namespace acting as the rack controller, with the rack's
own key, through a real sshd on the host, virsh run as MAAS's virsh power driver runs it.

The rack may read the state of, start and destroy the granted VM; it cannot see or start another VM, define
a domain or list networks; its key gives no shell; root on the host keeps everything; a second run of the role
changes nothing; a domain taken out of the list is revoked; ``state: absent`` removes it all.
Addresses: 198.51.100.0/24, inside the test's own namespaces."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import os
import re
import shutil
import signal
import socket
import subprocess
import tempfile

import pytest
from kvmnet_lab.maas_double.rack import PowerError, Rack
from kvmnet_lab.modules import collections_root

import lab
import migration_lab

P = lab.LAB_PREFIX
RACK_NS = P + 'pwrack'
HOST_IP, RACK_IP = '198.51.100.2', '198.51.100.1'
# A power user and a host of the test's own: `make test` runs this test beside the demo, which gives this machine
# the role's default user, kvmnet-power, for a while (both users go into this machine's /etc/passwd).
USER, HOME = P + 'power', '/var/lib/' + P + 'power'
HOST_NAME = 'pwrb'
GRANTED, OTHER = P + 'pw-granted', P + 'pw-other'
PLAYBOOK = os.path.join(os.path.dirname(__file__), 'playbooks', 'maas_power_access.yml')
ADDRESS = 'qemu+ssh://%s@%s/system' % (USER, HOST_IP)
# Host B's own libvirt network (a bridge in its namespace, no address): starting and stopping a domain with a NIC
# on it asks libvirt's network driver for a port in the power user's name.
NETWORK, OTHER_NETWORK = P + 'pwnet', P + 'pwnet2'
NETWORK_XML = "<network><name>%s</name><bridge name='%s'/></network>"
DOMAIN = ("<domain type='qemu'><name>%s</name><memory unit='MiB'>64</memory><vcpu>1</vcpu>"
          "<os><type arch='x86_64'>hvm</type></os><devices><serial type='pty'/>"
          "<interface type='network'><source network='" + NETWORK + "'/><model type='virtio'/></interface>"
          "</devices></domain>")


def host_b_ready():
    if not os.path.exists('/usr/sbin/sshd'):
        return 'openssh-server is not installed (make test installs it)'
    owner = lab.sh('dbus-send', '--system', '--print-reply', '--dest=org.freedesktop.DBus', '/org/freedesktop/DBus',
                   'org.freedesktop.DBus.NameHasOwner', 'string:org.freedesktop.PolicyKit1', check=False)
    if 'boolean true' not in owner.stdout:
        return 'the system D-Bus and polkitd do not answer (tools/ci/start-libvirt.sh starts them): %s' % owner.stderr
    return None


def killed_bus_leftovers(bus_dir):
    """What a system bus killed without a shutdown leaves (a CI machine after the session that used it): its socket,
    bound with nobody listening, and its pid file naming a process that is gone."""
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    listener.bind(os.path.join(bus_dir, 'system_bus_socket'))
    listener.close()
    gone = subprocess.Popen(['true'])
    gone.wait()
    with open(os.path.join(bus_dir, 'pid'), 'w') as handle:
        handle.write('%d\n' % gone.pid)


class PowerLab(object):
    def __init__(self, top):
        self.top = top
        rules_dir, bus_dir = os.path.join(top, 'polkit-rules.d'), os.path.join(top, 'dbus')
        os.makedirs(rules_dir, 0o700)
        shutil.chown(rules_dir, 'polkitd', 'root')
        os.makedirs(bus_dir, 0o755)
        killed_bus_leftovers(bus_dir)
        self.rules_dir = rules_dir
        self.host = migration_lab.HostB({'/etc/polkit-1/rules.d': rules_dir, '/run/dbus': bus_dir},
                                        name=HOST_NAME, hooks=False)
        self.rack = Rack(os.path.join(top, 'rack'), RACK_NS)
        self.sshd = None
        self.uuids = {}

    def up(self):
        os.makedirs(self.rack.directory)
        self.host.up()
        lab.sh('ip', 'netns', 'add', RACK_NS)
        lab.in_netns(RACK_NS, 'ip', 'link', 'set', 'lo', 'up')
        lab.sh('ip', 'link', 'add', P + 'pwh', 'netns', self.host.netns, 'type', 'veth', 'peer', 'name', P + 'pwr',
               'netns', RACK_NS)
        lab.in_netns(self.host.netns, 'ip', 'addr', 'add', HOST_IP + '/24', 'dev', P + 'pwh')
        lab.in_netns(self.host.netns, 'ip', 'link', 'set', P + 'pwh', 'up')
        lab.in_netns(RACK_NS, 'ip', 'addr', 'add', RACK_IP + '/24', 'dev', P + 'pwr')
        lab.in_netns(RACK_NS, 'ip', 'link', 'set', P + 'pwr', 'up')
        for network, bridge in ((NETWORK, P + 'pwbr'), (OTHER_NETWORK, P + 'pwbr2')):
            self.virsh_root('net-define', '/dev/stdin', input=NETWORK_XML % (network, bridge))
            self.virsh_root('net-start', network)
        for name in (GRANTED, OTHER):
            self.virsh_root('define', '/dev/stdin', input=DOMAIN % name)
            self.uuids[name] = self.virsh_root('domuuid', name).stdout.strip()
        self.rack_key = self.rack.make_key()
        self.start_sshd()

    def virsh_root(self, *args, **kwargs):
        return lab.sh('virsh', '-c', self.host.uri, *args, **kwargs)

    def start_sshd(self):
        """A real sshd in host B's namespaces (its network, and its /run/libvirt for the forced command)."""
        keys = os.path.join(self.top, 'sshd')
        os.makedirs(keys)
        lab.sh('ssh-keygen', '-q', '-t', 'ed25519', '-N', '', '-f', os.path.join(keys, 'host_key'))
        config = os.path.join(keys, 'sshd_config')
        with open(config, 'w') as handle:
            handle.write('ListenAddress %s\nPort 22\nHostKey %s/host_key\nPidFile %s/sshd.pid\nUsePAM no\n'
                         'PasswordAuthentication no\nKbdInteractiveAuthentication no\nPubkeyAuthentication yes\n'
                         'PermitRootLogin no\nStrictModes yes\nAuthorizedKeysFile .ssh/authorized_keys\n'
                         % (HOST_IP, keys, keys))
        os.makedirs('/run/sshd', exist_ok=True)
        pid = str(self.host.pid('libvirtd'))
        self.sshd = subprocess.Popen(['nsenter', '-t', pid, '-m', '-u', '-n', '/usr/sbin/sshd', '-D', '-e', '-f', config],
                                     stdout=subprocess.DEVNULL, stderr=open(os.path.join(keys, 'log'), 'w'))

    def role(self, **variables):
        """Run the role in host B; -> ansible's output."""
        variables = dict({'maas_power_access_keys': [self.rack_key], 'maas_power_access_install_packages': False,
                          'maas_power_access_libvirt_pidfile': os.path.join(self.host.root, 'run', 'libvirtd.pid'),
                          'maas_power_access_user': USER, 'maas_power_access_home': HOME},
                         **variables)
        path = os.path.join(self.top, 'vars.json')
        with open(path, 'w') as handle:
            json.dump(variables, handle)
        env = dict(os.environ, ANSIBLE_COLLECTIONS_PATH=collections_root(), ANSIBLE_NOCOLOR='1')
        proc = self.host.run('ansible-playbook', '-i', 'localhost,', '-c', 'local', PLAYBOOK, '-e', '@' + path,
                             check=False, env=env)
        assert proc.returncode == 0, proc.stdout[-5000:] + proc.stderr[-2000:]
        return proc.stdout

    def down(self):
        for step in (self._absent, self._stop_sshd, self._stop_bus, self.host.down,
                     lambda: lab.sh('ip', 'netns', 'del', RACK_NS, check=False),
                     lambda: shutil.rmtree(self.top, ignore_errors=True)):
            try:
                step()
            except Exception as exc:  # pylint: disable=broad-except
                print('teardown: %s' % exc)

    def _absent(self):
        if self.host.pid('libvirtd'):
            self.role(maas_power_access_state='absent')

    def _stop_bus(self):
        """Host B's system bus and polkitd (the role started them): every process left in its network namespace
        but its libvirtd and virtlogd, which host B stops itself."""
        keep = set(filter(None, (self.host.pid(n) for n in ('libvirtd', 'virtlogd'))))
        pids = lab.sh('ip', 'netns', 'pids', self.host.netns, check=False).stdout.split()
        for pid in (int(p) for p in pids if int(p) not in keep):
            try:
                os.kill(pid, signal.SIGTERM)
            except OSError:
                pass

    def _stop_sshd(self):
        if self.sshd is not None:
            self.sshd.send_signal(signal.SIGTERM)
            self.sshd.wait(10)


@pytest.fixture(scope='module')
def power_lab(swept):  # pylint: disable=unused-argument
    # (not this machine's libvirtd: the test may run while the demo restarts it)
    problem = host_b_ready()
    if problem and os.environ.get('CI'):
        pytest.fail(problem)
    if problem:
        pytest.skip(problem)
    top = tempfile.mkdtemp(prefix='kvmnt-power-')
    os.chmod(top, 0o755)
    power = PowerLab(top)
    try:
        power.up()
        power.first_run = power.role(maas_power_access_domains=[GRANTED])
        yield power
    finally:
        power.down()


def recap_changed(output):
    return int(re.findall(r'changed=(\d+)', output)[-1])


def test_the_rack_powers_the_granted_vm_as_maas_does(power_lab):
    uuid = power_lab.uuids[GRANTED]
    rack = power_lab.rack
    assert rack.state(ADDRESS, uuid) == 'shut off'
    assert rack.power_on(ADDRESS, uuid) == 'started'
    assert rack.state(ADDRESS, uuid) == 'running'
    assert rack.power_on(ADDRESS, uuid) == 'already on'
    assert rack.power_off(ADDRESS, uuid) == 'stopped'
    assert rack.state(ADDRESS, GRANTED) == 'shut off'        # by name too: the grant is by UUID
    # MAAS's sequence: domstate first; start only when shut off, destroy only when running
    assert [e['args'][0] for e in rack.log] == ['domstate', 'domstate', 'start', 'domstate', 'domstate', 'domstate',
                                                'destroy', 'domstate']


@pytest.mark.parametrize('args, words', [
    (('domstate', OTHER), 'failed to get domain'),
    (('start', OTHER), 'failed to get domain'),
    (('define', 'NEW_DOMAIN_XML'), 'access denied'),
    (('net-list', '--all'), 'access denied'),
    (('net-dumpxml', OTHER_NETWORK), 'access denied'),
    (('net-destroy', NETWORK), 'access denied'),
    (('net-update', NETWORK, 'add', 'ip-dhcp-host', "<host mac='52:54:00:00:00:01' ip='198.51.100.9'/>"),
     'access denied'),
    (('nodeinfo',), 'access denied'),
])
def test_nothing_else(power_lab, args, words):
    if args[-1] == 'NEW_DOMAIN_XML':
        path = os.path.join(power_lab.rack.directory, 'new.xml')
        with open(path, 'w') as handle:
            handle.write(DOMAIN % (P + 'pw-new'))
        args = args[:-1] + (path,)
    rc, output = power_lab.rack.virsh(ADDRESS, *args)
    assert rc != 0 and words in output.lower(), output
    assert power_lab.virsh_root('domstate', OTHER).stdout.strip() == 'shut off'


def test_the_rack_sees_only_the_granted_domain(power_lab):
    rc, output = power_lab.rack.virsh(ADDRESS, 'list', '--all', '--name')
    assert rc == 0 and output.split() == [GRANTED], output


def test_the_key_gives_no_shell(power_lab):
    proc = lab.in_netns(RACK_NS, power_lab.rack.ssh, '%s@%s' % (USER, HOST_IP), 'id; echo SHELL-RAN',
                        check=False, timeout=30, stdin=subprocess.DEVNULL)
    assert 'SHELL-RAN' not in proc.stdout and 'uid=' not in proc.stdout, proc.stdout + proc.stderr
    forward = lab.in_netns(RACK_NS, power_lab.rack.ssh, '-W', '127.0.0.1:22', '%s@%s' % (USER, HOST_IP),
                           check=False, timeout=30, stdin=subprocess.DEVNULL)
    assert forward.returncode != 0 and 'SSH-2.0' not in forward.stdout, forward.stdout + forward.stderr
    assert 'prohibited' in forward.stderr, forward.stderr   # restrict: no forwarding


def test_root_keeps_everything(power_lab):
    names = power_lab.virsh_root('list', '--all', '--name').stdout.split()
    assert GRANTED in names and OTHER in names
    power_lab.virsh_root('start', OTHER)
    power_lab.virsh_root('destroy', OTHER)
    power_lab.virsh_root('net-list', '--all')


def test_a_killed_bus_left_behind_is_replaced(power_lab):
    """Host B started with a dead bus's socket and pid file in /run/dbus: the role asked the bus, not the files,
    and started a new one (libvirt and polkit then answered: the other tests ran through it)."""
    assert re.search(r'TASK \[kvmnet\.netboot\.maas_power_access : Start the system bus[^\n]*\nchanged',
                     power_lab.first_run), power_lab.first_run[-3000:]


def test_a_second_run_changes_nothing(power_lab):
    assert recap_changed(power_lab.first_run) > 0
    assert recap_changed(power_lab.role(maas_power_access_domains=[GRANTED])) == 0


def test_a_domain_taken_out_is_revoked(power_lab):
    power_lab.role(maas_power_access_domains=[])
    with pytest.raises(PowerError, match='failed to get domain'):
        power_lab.rack.state(ADDRESS, power_lab.uuids[GRANTED])
    power_lab.role(maas_power_access_domains=[GRANTED])
    assert power_lab.rack.state(ADDRESS, power_lab.uuids[GRANTED]) == 'shut off'
