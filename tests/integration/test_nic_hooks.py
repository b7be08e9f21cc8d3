# -*- coding: utf-8 -*-
# Copyright: kvmnet.netboot contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The role libvirt_nic_hooks on a real libvirtd with a TCG domain that has a bridged NIC and a routed NIC.

Lab: a bridge made by the test (no addresses), the role installed with the test's own script, state and
log directories, and a VM composed by kvm_vm_compose. The routed NIC's address is in 198.18.0.0/15 and
routed in table 4251 only (the host's main table is never touched); its tap goes away with the VM.
The test scripts in up.d/down.d append their KVMNET_* environment to a file, one line per run. The role
allows the lab's routed prefix and table only; the test bridge holds 198.18.251.1, an address of "the host".
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import os
import re
import shutil
import tempfile
import time

import pytest
from kvmnet_lab.modules import collections_root

import lab
import migration_lab

P = lab.LAB_PREFIX
BRIDGE = P + 'hbr0'
VM = P + 'hookvm'
ROUTED_IP = '198.18.251.7'
HOST_IP = '198.18.251.1'
TABLE = '4251'
HOOK = '/etc/libvirt/hooks/qemu.d/kvmnet-nic-hooks'
PLAYBOOK = os.path.join(os.path.dirname(__file__), 'playbooks', 'nic_hooks.yml')
# One file per run, written aside and renamed into place: a reader never sees half a run nor loses one.
RECORD_SCRIPT = """#!/bin/sh
at=$(date +%%s.%%N)
{ env | grep '^KVMNET_' | sort; echo "AT=$at"; } | paste -sd'|' > %(dir)s/.run.$$
mv %(dir)s/.run.$$ %(dir)s/$at.$$
"""
FAIL_SCRIPT = """#!/bin/sh
[ -e %s ] || exit 0
echo "boom from the test script"
exit 3
"""


class HooksLab(object):
    def __init__(self, conn, top):
        self.conn = conn
        self.top = top
        self.records = os.path.join(top, 'records')
        self.fail_flag = os.path.join(top, 'fail')
        self.vars = {
            'libvirt_nic_hooks_dir': os.path.join(top, 'hooks'),
            'libvirt_nic_hooks_state_dir': os.path.join(top, 'state'),
            'libvirt_nic_hooks_log_file': os.path.join(top, 'log'),
            'libvirt_nic_hooks_lib_dir': os.path.join(top, 'lib'),
            'libvirt_nic_hooks_config': os.path.join(top, 'nic-hooks.json'),
            'libvirt_nic_hooks_pidfile': os.path.join(top, 'listener.pid'),
            'libvirt_nic_hooks_install_packages': False,
            # the periodic check runs often, so that it meets the hook at work
            'libvirt_nic_hooks_reconcile_interval': 2,
            'libvirt_nic_hooks_routed_prefixes': ['198.18.251.0/24'],
            'libvirt_nic_hooks_routed_tables': [int(TABLE)],
        }

    def role(self, state='present'):
        path = os.path.join(self.top, 'vars.json')
        with open(path, 'w') as handle:
            json.dump(dict(self.vars, libvirt_nic_hooks_state=state), handle)
        env = dict(os.environ, ANSIBLE_COLLECTIONS_PATH=collections_root(), ANSIBLE_NOCOLOR='1')
        proc = lab.sh('ansible-playbook', '-i', 'localhost,', '-c', 'local', PLAYBOOK, '-e', '@' + path,
                      check=False, env=env)
        assert proc.returncode == 0, proc.stdout[-4000:] + proc.stderr[-2000:]
        return proc.stdout

    def program(self, *args):
        return lab.sh('/usr/bin/python3', os.path.join(self.vars['libvirt_nic_hooks_lib_dir'], 'kvmnet_nic_events.py'),
                      '--config', self.vars['libvirt_nic_hooks_config'], *args, check=False)

    def listener(self, action):
        pidfile = self.vars['libvirt_nic_hooks_pidfile']
        if action == 'stop':
            assert self.program('stop', '--pidfile', pidfile).returncode == 0
        else:
            assert self.program('listen', '--supervise', '--pidfile', pidfile).returncode == 0
            wait_for(lambda: 'listening' in self.log().split('reconnect-marker')[-1], 'the listener to connect')

    def mark_log(self):
        with open(self.vars['libvirt_nic_hooks_log_file'], 'a') as handle:
            handle.write('reconnect-marker\n')

    def log(self):
        try:
            with open(self.vars['libvirt_nic_hooks_log_file']) as handle:
                return handle.read()
        except IOError:
            return ''

    def take_records(self):
        """The runs recorded since the last call, as dicts."""
        return take_records(self.records)

    def domain(self):
        return self.conn.lookupByName(VM)

    def domain_records(self):
        """The per-domain records the hooks keep (NICs that are up)."""
        state = self.vars['libvirt_nic_hooks_state_dir']
        return [n for n in os.listdir(state) if n.endswith('.json')] if os.path.isdir(state) else []


def take_records(path):
    """The runs the record script wrote to directory ``path``, in the order they ran; they are removed."""
    if not os.path.isdir(path):
        return []
    runs = []
    for name in sorted((n for n in os.listdir(path) if not n.startswith('.')), key=lambda n: float(n.rsplit('.', 1)[0])):
        with open(os.path.join(path, name)) as handle:
            runs.append(dict(item.split('=', 1) for item in handle.read().strip().split('|')))
        os.unlink(os.path.join(path, name))
    return runs


def wait_for(predicate, what, timeout=10.0):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if predicate():
            return
        time.sleep(0.05)
    raise AssertionError('timed out waiting for %s' % what)


def routes():
    """The lines of our routing table (only the routed NIC's routes go there)."""
    return [line.strip() for line in lab.sh('ip', '-4', 'route', 'show', 'table', TABLE).stdout.splitlines() if line.strip()]


def rules(tap):
    return [line for line in lab.sh('ip', '-4', 'rule', 'show').stdout.splitlines() if 'iif %s ' % tap in line + ' ']


def address_rules(address=ROUTED_IP):
    return [line for line in lab.sh('ip', '-4', 'rule', 'show').stdout.splitlines() if 'to %s ' % address in line + ' ']


def sysctl(tap, key):
    try:
        with open('/proc/sys/net/ipv4/conf/%s/%s' % (tap, key)) as handle:
            return handle.read().strip()
    except IOError:
        return None


def proxy_arp(tap):
    try:
        with open('/proc/sys/net/ipv4/conf/%s/proxy_arp' % tap) as handle:
            return handle.read().strip()
    except IOError:
        return None


# An isolated network with no address: started, it would only add an empty bridge.
HELD_NETWORK = "<network><name>%sheld</name><bridge name='%sheld0'/></network>" % (P, P)


def network_states(conn):
    return dict((n.name(), (bool(n.isActive()), bool(n.autostart()))) for n in conn.listAllNetworks(0))


@pytest.fixture(scope='module')
def hooks_lab(libvirt_conn):
    if os.path.exists(HOOK):
        pytest.skip('%s exists: this machine has the NIC hooks installed; not replacing them' % HOOK)
    top = tempfile.mkdtemp(prefix='kvmnt-nichooks-', dir='/var/tmp')
    os.chmod(top, 0o755)
    hooks = HooksLab(libvirt_conn, top)
    try:
        lab.sh('ip', 'link', 'add', BRIDGE, 'type', 'bridge', 'stp_state', '0', 'forward_delay', '0')
        lab.sh('ip', 'link', 'set', BRIDGE, 'up')
        lab.sh('ip', 'addr', 'add', HOST_IP + '/32', 'dev', BRIDGE)
        held = libvirt_conn.networkDefineXML(HELD_NETWORK)  # down, autostart on: the reload must not start it
        held.setAutostart(1)
        hooks.networks_before = network_states(libvirt_conn)
        hooks.role_output = hooks.role()
        hooks.networks_after = network_states(libvirt_conn)
        for action in ('up', 'down'):
            directory = os.path.join(hooks.vars['libvirt_nic_hooks_dir'], action + '.d')
            os.makedirs(hooks.records, exist_ok=True)
            for name, text in (('10-record', RECORD_SCRIPT % {'dir': hooks.records}),
                               ('20-fail', FAIL_SCRIPT % hooks.fail_flag)):
                with open(os.path.join(directory, name), 'w') as handle:
                    handle.write(text)
                os.chmod(os.path.join(directory, name), 0o755)
        rc, result, out = lab.run_module('kvm_vm_compose', {
            'name': VM, 'domain_type': 'qemu', 'memory_mib': 128, 'vcpus': 1, 'state': 'present', 'tap_prefix': 'kvmnt',
            'interfaces': [{'type': 'bridge', 'source': BRIDGE, 'boot': True},
                           {'type': 'routed', 'ips': [ROUTED_IP], 'table': int(TABLE)}]})
        assert rc == 0, out
        hooks.nics = result['interfaces']
        yield hooks
    finally:
        # every step runs even when one before it fails
        for step in (lambda: lab.remove_stale_libvirt(libvirt_conn),
                     lambda: wait_for(lambda: not hooks.domain_records(), 'the listener to bring the NICs down'),
                     lambda: hooks.role('absent'), lambda: tear_down_routing(hooks),
                     lambda: shutil.rmtree(top, ignore_errors=True)):
            try:
                step()
            except Exception as exc:  # pylint: disable=broad-except
                print('teardown: %s' % exc)


def tear_down_routing(hooks):
    """Whatever a failed test left: our table's rules and routes, and the bridge."""
    for tap in [nic['target'] for nic in getattr(hooks, 'nics', [])]:
        while rules(tap):
            lab.sh('ip', '-4', 'rule', 'del', 'iif', tap, 'table', TABLE, check=False)
    while address_rules():
        lab.sh('ip', '-4', 'rule', 'del', 'to', ROUTED_IP, 'table', TABLE, check=False)
    lab.sh('ip', '-4', 'route', 'flush', 'table', TABLE, check=False)
    lab.sh('ip', 'link', 'del', BRIDGE, check=False)


def stop_vm(hooks_lab, downs=2):
    """Destroy the VM and wait until the listener has taken its NICs down."""
    hooks_lab.take_records()
    hooks_lab.domain().destroy()
    take_until(hooks_lab, downs, 'the down runs of the destroy')
    assert routes() == []


def by_mode(records):
    return dict((r['KVMNET_MODE'], r) for r in records)


def test_installing_the_hook_starts_no_network_that_is_down(hooks_lab):
    """The role reloads libvirtd to find its new hook; a reload starts every network that is down with
    autostart on (the packaged `default` too). Before, installing the hook started them."""
    assert hooks_lab.networks_before[P + 'held'] == (False, True)
    assert hooks_lab.networks_after == hooks_lab.networks_before
    assert re.search(r'Reload libvirt so that it runs the new hook[^\n]*\nchanged: ', hooks_lab.role_output), \
        hooks_lab.role_output[-3000:]


def test_start_runs_up_once_per_nic_and_routes_the_routed_nic(hooks_lab):
    bridged, routed = hooks_lab.nics
    hooks_lab.take_records()
    hooks_lab.domain().create()
    records = hooks_lab.take_records()  # the hook runs inside the start: done when create() returns
    assert [(r['KVMNET_ACTION'], r['KVMNET_REASON'], r['KVMNET_NIC_INDEX']) for r in records] == [
        ('up', 'start', '0'), ('up', 'start', '1')]
    got = by_mode(records)
    assert (got['bridge']['KVMNET_TAP'], got['bridge']['KVMNET_MAC'], got['bridge']['KVMNET_LINK'],
            got['bridge']['KVMNET_IPS']) == (bridged['target'], bridged['mac'], BRIDGE, '')
    assert (got['routed']['KVMNET_TAP'], got['routed']['KVMNET_MAC'], got['routed']['KVMNET_LINK'],
            got['routed']['KVMNET_IPS']) == (routed['target'], routed['mac'], TABLE, ROUTED_IP)
    assert got['routed']['KVMNET_VM'] == VM and got['routed']['KVMNET_VM_UUID'] == hooks_lab.domain().UUIDString()
    assert routes() == ['%s dev %s proto static scope link' % (ROUTED_IP, routed['target'])]
    assert len(rules(routed['target'])) == 1 and len(address_rules()) == 1
    assert proxy_arp(routed['target']) == '1' and sysctl(routed['target'], 'rp_filter') == '1'


def test_kvm_network_facts_reports_the_routed_tap(hooks_lab):
    rc, result, out = lab.run_module('kvm_network_facts', {'gather_subset': ['domains']})
    assert rc == 0, out
    tap = result['ansible_facts']['kvm_host_network']['taps'][hooks_lab.nics[1]['target']]
    assert (tap['domain'], tap['mode'], tap['ips']) == (VM, 'routed', [ROUTED_IP])


def test_destroy_runs_down_once_per_nic_and_removes_what_up_added(hooks_lab):
    routed_tap = hooks_lab.nics[1]['target']
    hooks_lab.domain().destroy()
    records = []
    wait_for(lambda: len(records.extend(hooks_lab.take_records()) or records) >= 2, 'two down runs')
    time.sleep(0.5)
    records += hooks_lab.take_records()
    assert [(r['KVMNET_ACTION'], r['KVMNET_REASON'], r['KVMNET_MODE']) for r in records] == [
        ('down', 'stop', 'routed'), ('down', 'stop', 'bridge')]
    assert routes() == [] and rules(routed_tap) == [] and address_rules() == [] and proxy_arp(routed_tap) is None


def save_and_restore_paused(hooks_lab):
    """Start the VM, save it to a file, restore it paused. -> the records of the restore."""
    path = os.path.join(hooks_lab.top, 'vm.save')
    hooks_lab.domain().create()
    wait_for(routes, 'the route of the started VM')
    hooks_lab.take_records()
    hooks_lab.domain().save(path)
    downs = []
    wait_for(lambda: len(downs.extend(hooks_lab.take_records()) or downs) >= 2, 'the down runs of the save')
    assert [(r['KVMNET_ACTION'], r['KVMNET_REASON']) for r in downs] == [('down', 'save')] * 2
    assert routes() == []
    import libvirt  # pylint: disable=import-outside-toplevel
    hooks_lab.conn.restoreFlags(path, None, libvirt.VIR_DOMAIN_SAVE_PAUSED)
    os.unlink(path)
    return hooks_lab.take_records()


def test_restore_paused_brings_the_routed_nic_up_only_on_resume(hooks_lab):
    restored = save_and_restore_paused(hooks_lab)
    assert [(r['KVMNET_ACTION'], r['KVMNET_REASON'], r['KVMNET_MODE']) for r in restored] == [('up', 'restore', 'bridge')]
    time.sleep(1.5)  # the listener has seen the restore events by now, and must not have routed
    assert routes() == [] and hooks_lab.take_records() == []
    started = time.time()
    hooks_lab.domain().resume()
    wait_for(routes, 'the route after the resume', timeout=2.0)
    assert time.time() - started < 2.0
    wait_for(lambda: [n for n in os.listdir(hooks_lab.records) if not n.startswith('.')], 'the routed up record')
    time.sleep(0.3)
    assert [(r['KVMNET_ACTION'], r['KVMNET_REASON'], r['KVMNET_MODE']) for r in hooks_lab.take_records()] == [
        ('up', 'restore', 'routed')]


def test_listener_restart_neither_duplicates_nor_misses_a_route(hooks_lab):
    assert len(routes()) == 1  # the VM runs from the previous test
    hooks_lab.listener('stop')
    hooks_lab.mark_log()
    hooks_lab.listener('start')
    time.sleep(1)
    assert len(routes()) == 1 and hooks_lab.take_records() == []
    # events missed while the listener is away: the restored VM resumes unseen
    stop_vm(hooks_lab)
    save_and_restore_paused(hooks_lab)
    hooks_lab.listener('stop')
    hooks_lab.domain().resume()
    time.sleep(1)
    assert routes() == []
    hooks_lab.mark_log()
    hooks_lab.listener('start')
    wait_for(routes, 'the route the restarted listener owes')
    time.sleep(0.5)
    assert len(routes()) == 1
    assert [(r['KVMNET_ACTION'], r['KVMNET_MODE']) for r in hooks_lab.take_records()] == [('up', 'routed')]


def test_a_failing_script_is_logged_and_the_vm_still_starts(hooks_lab):
    stop_vm(hooks_lab)
    dom = hooks_lab.domain()
    open(hooks_lab.fail_flag, 'w').close()
    try:
        dom.create()
        assert dom.isActive()
        log = hooks_lab.log()
        assert '20-fail exited 3; output: boom from the test script' in log
        assert len(routes()) == 1
    finally:
        os.unlink(hooks_lab.fail_flag)


def test_fail_start_refuses_to_start_the_vm(hooks_lab):
    import libvirt  # pylint: disable=import-outside-toplevel
    stop_vm(hooks_lab)
    dom = hooks_lab.domain()
    config_path = hooks_lab.vars['libvirt_nic_hooks_config']
    with open(config_path) as handle:
        config = json.load(handle)
    open(hooks_lab.fail_flag, 'w').close()
    with open(config_path, 'w') as handle:
        json.dump(dict(config, fail_start=True), handle)
    try:
        with pytest.raises(libvirt.libvirtError):
            dom.create()
        assert not dom.isActive()
        assert 'fail_start is set' in hooks_lab.log()
        assert routes() == [] and rules(hooks_lab.nics[1]['target']) == []
        assert [(r['KVMNET_ACTION'], r['KVMNET_MODE']) for r in hooks_lab.take_records()][-2:] == [
            ('down', 'routed'), ('down', 'bridge')]
    finally:
        os.unlink(hooks_lab.fail_flag)
        with open(config_path, 'w') as handle:
            json.dump(config, handle)


def take_until(hooks_lab, count, what, path=None):
    path = path or hooks_lab.records
    records = []
    try:
        wait_for(lambda: len(records.extend(take_records(path)) or records) >= count, what)
    except AssertionError as exc:
        raise AssertionError('%s; %d run(s) seen; the hooks log ends with:\n%s' % (exc, len(records), hooks_lab.log()[-3000:]))
    time.sleep(0.3)
    return records + take_records(path)


def test_restore_running_and_managed_save_bring_the_routed_nic_up_once_it_runs(hooks_lab):
    dom = hooks_lab.domain()
    time.sleep(3)  # a periodic check of the listener passes over the VM that failed to start
    assert hooks_lab.take_records() == [] and routes() == []
    dom.create()  # the failed start of the previous test left the VM off
    assert len(take_until(hooks_lab, 2, 'the up runs of the start')) == 2
    path = os.path.join(hooks_lab.top, 'vm.save')
    dom.save(path)
    take_until(hooks_lab, 2, 'the down runs of the save')
    hooks_lab.conn.restore(path)
    os.unlink(path)
    wait_for(routes, 'the route of the restored VM', timeout=2.0)
    records = take_until(hooks_lab, 2, 'the up runs of the restore')
    assert [(r['KVMNET_ACTION'], r['KVMNET_REASON'], r['KVMNET_MODE']) for r in records] == [
        ('up', 'restore', 'bridge'), ('up', 'restore', 'routed')]
    dom = hooks_lab.domain()
    dom.managedSave(0)
    records = take_until(hooks_lab, 2, 'the down runs of the managed save')
    assert [(r['KVMNET_ACTION'], r['KVMNET_REASON']) for r in records] == [('down', 'save')] * 2
    dom.create()  # starts from the managed save image: the incoming path
    wait_for(routes, 'the route of the VM started from its managed save', timeout=2.0)
    records = take_until(hooks_lab, 2, 'the up runs of the managed-save start')
    assert [(r['KVMNET_ACTION'], r['KVMNET_REASON'], r['KVMNET_MODE']) for r in records] == [
        ('up', 'restore', 'bridge'), ('up', 'restore', 'routed')]
    assert len(routes()) == 1


def forged(xml, ips=None, table=None):
    """The domain's definition with its routed NIC's metadata changed, as `virsh define` of an edited XML."""
    from lxml import etree  # pylint: disable=import-outside-toplevel
    root = etree.fromstring(xml.encode())
    nic = root.find('metadata/{https://github.com/kvmnet/netboot/routed-nic}nics/'
                    '{https://github.com/kvmnet/netboot/routed-nic}nic')
    if table is not None:
        nic.set('table', table)
    if ips is not None:
        for old in list(nic):
            nic.remove(old)
        for ip in ips:
            etree.SubElement(nic, '{https://github.com/kvmnet/netboot/routed-nic}ip').text = ip
    return etree.tostring(root, encoding='unicode')


@pytest.mark.parametrize('ips, table, why', [
    ([HOST_IP], None, '%s is held by an interface of this host' % HOST_IP),
    (['0.0.0.0'], None, '0.0.0.0 is a "this network" address'),
    (None, '255', "table 255 is the kernel's local table"),
    (['198.18.251.8\n$(touch /tmp/kvmnt-pwned) *'], None, 'is not an IPv4 or IPv6 address'),
])
def test_a_vm_redefined_to_claim_what_it_may_not_gets_no_route_and_no_rule(hooks_lab, ips, table, why):
    """H1: the metadata of a defined VM is edited (virsh define) to claim the host's address, 0.0.0.0 or the
    local table; the VM starts (fail_start is off) with its bridged NIC up, and nothing is routed."""
    import libvirt  # pylint: disable=import-outside-toplevel
    routed_tap = hooks_lab.nics[1]['target']
    dom = hooks_lab.domain()
    if dom.isActive():
        stop_vm(hooks_lab)
    legit = dom.XMLDesc(libvirt.VIR_DOMAIN_XML_INACTIVE)
    hooks_lab.conn.defineXML(forged(legit, ips, table))
    try:
        hooks_lab.take_records()
        hooks_lab.domain().create()
        time.sleep(1)  # the listener's events for the start have been handled
        assert [(r['KVMNET_ACTION'], r['KVMNET_MODE']) for r in hooks_lab.take_records()] == [('up', 'bridge')]
        assert routes() == [] and rules(routed_tap) == [] and address_rules() == []
        for where in ('255', 'main'):
            assert routed_tap not in lab.sh('ip', '-4', 'route', 'show', 'table', where).stdout
        assert not [line for line in lab.sh('ip', '-4', 'rule', 'show').stdout.splitlines() if 'lookup local' in line
                    and 'iif' in line]
        assert sysctl(routed_tap, 'proxy_arp') == '0' and not os.path.exists('/tmp/kvmnt-pwned')
        assert why in hooks_lab.log() and 'refused, not brought up' in hooks_lab.log()
    finally:
        stop_vm(hooks_lab, downs=1)
        hooks_lab.conn.defineXML(legit)
    # the legitimate definition routes again
    hooks_lab.domain().create()
    wait_for(routes, 'the route of the legitimate VM')
    take_until(hooks_lab, 2, 'the up runs of the legitimate VM')


@pytest.fixture
def host_b(hooks_lab):
    """Host B with the same hook installed (its libvirt config is a copy of this machine's, hook
    included) and its own copy of the hook settings, scripts and records at the same paths."""
    b_top = os.path.join(tempfile.mkdtemp(prefix='kvmnt-migb-top-', dir='/var/tmp'), 'top')
    shutil.copytree(hooks_lab.top, b_top, symlinks=True,
                    ignore=lambda d, names: [n for n in names if d == hooks_lab.top and n in (
                        'state', 'records', 'log', 'listener.pid', 'vars.json')])
    os.makedirs(os.path.join(b_top, 'records'))
    host = migration_lab.HostB(shadow={hooks_lab.top: b_top})
    host.top = b_top
    try:
        host.up()
        host.run('ip', 'link', 'add', BRIDGE, 'type', 'bridge', 'stp_state', '0', 'forward_delay', '0')
        host.run('ip', 'link', 'set', BRIDGE, 'up')
        assert host.run('/usr/bin/python3', os.path.join(hooks_lab.vars['libvirt_nic_hooks_lib_dir'],
                                                         'kvmnet_nic_events.py'),
                        '--config', hooks_lab.vars['libvirt_nic_hooks_config'], 'listen', '--supervise',
                        '--pidfile', hooks_lab.vars['libvirt_nic_hooks_pidfile']).returncode == 0
        wait_for(lambda: 'listening' in (open(os.path.join(b_top, 'log')).read()
                                         if os.path.exists(os.path.join(b_top, 'log')) else ''),
                 "host B's listener to connect")
        yield host
    finally:
        host.run('/usr/bin/python3', os.path.join(hooks_lab.vars['libvirt_nic_hooks_lib_dir'], 'kvmnet_nic_events.py'),
                 'stop', '--pidfile', hooks_lab.vars['libvirt_nic_hooks_pidfile'], check=False)
        host.down()
        shutil.rmtree(os.path.dirname(b_top), ignore_errors=True)


def test_live_migration_moves_the_routed_nic_only_once_the_guest_runs_on_the_destination(hooks_lab, host_b):
    import libvirt  # pylint: disable=import-outside-toplevel
    dom = hooks_lab.domain()
    assert dom.isActive() and len(routes()) == 1  # running on this host since the previous test
    hooks_lab.take_records()
    dest = libvirt.open(host_b.uri)
    try:
        dom.migrate3(dest, {libvirt.VIR_MIGRATE_PARAM_URI: host_b.migration_uri}, libvirt.VIR_MIGRATE_LIVE)
        assert dest.lookupByName(VM).isActive() and not dom.isActive()
    finally:
        dest.close()
    source = take_until(hooks_lab, 2, 'the down runs on the source')
    assert [(r['KVMNET_ACTION'], r['KVMNET_REASON'], r['KVMNET_MODE']) for r in source] == [
        ('down', 'migrate-out', 'routed'), ('down', 'migrate-out', 'bridge')]
    assert routes() == []
    arrived = take_until(hooks_lab, 2, 'the up runs on the destination', path=os.path.join(host_b.top, 'records'))
    assert [(r['KVMNET_ACTION'], r['KVMNET_REASON'], r['KVMNET_MODE']) for r in arrived] == [
        ('up', 'migrate-in', 'bridge'), ('up', 'migrate-in', 'routed')]
    # the destination configured the routed NIC after the source let it go, and routes it now
    assert float(source[0]['AT']) <= float(arrived[1]['AT'])
    b_routes = [line.strip() for line in host_b.run('ip', '-4', 'route', 'show', 'table', TABLE).stdout.splitlines()]
    assert b_routes == ['%s dev %s proto static scope link' % (ROUTED_IP, hooks_lab.nics[1]['target'])]
