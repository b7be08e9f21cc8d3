# -*- coding: utf-8 -*-
# Copyright: kvmnet.netboot contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""kvm_vm_compose on a real libvirtd with TCG domains.

Lab: a bridge and a veth pair made by the test (no addresses, no routes; the veth's far end sits in a
namespace, the "switch"), and a directory storage pool in a temporary directory.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import re
import os
import shutil
import subprocess
import tempfile

import pytest
from lxml import etree

import lab

P = lab.LAB_PREFIX
BRIDGE = P + 'cbr0'
PARENT = P + 'cv1'
POOL = P + 'pool'
VM = P + 'vm1'


@pytest.fixture(scope='module')
def compose_lab(libvirt_conn):
    ns = lab.Netns('switch')
    pool_dir = tempfile.mkdtemp(prefix='kvmnt-pool-', dir='/var/tmp')
    os.chmod(pool_dir, 0o755)  # QEMU runs as libvirt-qemu and must reach its disk
    pool = None
    try:
        lab.sh('ip', 'link', 'add', BRIDGE, 'type', 'bridge', 'stp_state', '0', 'forward_delay', '0')
        lab.sh('ip', 'link', 'add', PARENT, 'type', 'veth', 'peer', 'name', P + 'cv0', 'netns', ns.name)
        for dev in (BRIDGE, PARENT):
            lab.sh('ip', 'link', 'set', dev, 'up')
        ns.run('ip', 'link', 'set', P + 'cv0', 'up')
        pool = libvirt_conn.storagePoolDefineXML(
            "<pool type='dir'><name>%s</name><target><path>%s</path></target></pool>" % (POOL, pool_dir))
        pool.create()
        yield libvirt_conn
    finally:
        lab.remove_stale_libvirt(libvirt_conn)
        if pool is not None:
            for vol in pool.listAllVolumes(0) if pool.isActive() else []:
                vol.delete(0)
            if pool.isActive():
                pool.destroy()
            pool.undefine()
        lab.sh('ip', 'link', 'del', BRIDGE, check=False)
        lab.sh('ip', 'link', 'del', PARENT, check=False)
        ns.close()
        shutil.rmtree(pool_dir, ignore_errors=True)


def vm_args(**extra):
    args = {'name': VM, 'domain_type': 'qemu', 'memory_mib': 128, 'vcpus': 1, 'state': 'running',
            'interfaces': [{'type': 'bridge', 'source': BRIDGE, 'label': 'eth0', 'ifname': 'eth0', 'vlan': 10,
                            'ip': None, 'ip_mode': None, 'boot': True},
                           {'type': 'macvlan', 'source': PARENT, 'mode': 'bridge'}],
            'disks': [{'size_gib': 1, 'pool': POOL}]}
    args.update(extra)
    return args


def inactive_xml(conn, name):
    import libvirt  # pylint: disable=import-outside-toplevel
    return conn.lookupByName(name).XMLDesc(libvirt.VIR_DOMAIN_XML_INACTIVE)


@pytest.fixture(scope='module')
def composed(compose_lab):
    rc, result, out = lab.run_module('kvm_vm_compose', vm_args())
    assert rc == 0, out
    return result


def test_first_run_composes_and_starts(composed, compose_lab):
    assert composed['changed'] is True
    assert composed['domain']['state'] == 'running'
    assert composed['created_volumes'] == ['%s/%s-disk0.qcow2' % (POOL, VM)]
    dom = compose_lab.lookupByName(VM)
    assert dom.isActive()
    live = etree.fromstring(dom.XMLDesc(0).encode())
    assert live.get('type') == 'qemu'
    nics = live.findall('devices/interface')
    assert [n.get('type') for n in nics] == ['bridge', 'direct']
    assert nics[0].find('source').get('bridge') == BRIDGE
    assert (nics[1].find('source').get('dev'), nics[1].find('source').get('mode')) == (PARENT, 'bridge')
    # network first: the boot NIC has order 1, the disk order 2
    assert nics[0].find('boot').get('order') == '1'
    disk = live.find('devices/disk')
    assert disk.find('boot').get('order') == '2'
    assert disk.find('source').get('pool') == POOL


def test_macs_taps_and_maas_data(composed):
    nics = composed['interfaces']
    assert len(nics) == 2
    for nic in nics:
        assert nic['mac'].startswith('52:54:00:')
        assert len(nic['target']) <= 15
    assert nics[0]['target'].startswith('kn')
    links = json.loads(lab.sh('ip', '-j', 'link', 'show').stdout)
    by_name = dict((l['ifname'], l) for l in links)
    assert by_name[nics[0]['target']]['master'] == BRIDGE
    assert nics[1]['target'] in by_name
    assert composed['pxe_mac'] == nics[0]['mac']
    assert composed['maas']['power_type'] == 'virsh'
    # the domain's UUID (a rename keeps it; the power user's grant names it)
    assert composed['maas']['power_parameters']['power_id'] == composed['domain']['uuid']
    # MAAS's power user, never root, at an address MAAS can reach (the management address), not the local name
    power_address = composed['maas']['power_parameters']['power_address']
    assert re.match(r'qemu\+ssh://kvmnet-power@([0-9.]+|\[[0-9a-f:]+\])/system$', power_address), power_address
    assert composed['maas']['pxe_mac_address'] == nics[0]['mac']


def test_second_run_unchanged(composed):
    rc, result, out = lab.run_module('kvm_vm_compose', vm_args())
    assert rc == 0, out
    assert result['changed'] is False
    assert result['interfaces'] == composed['interfaces']
    assert result['restart_required'] is False


def test_check_mode_leaves_definition_identical(composed, compose_lab):
    before = inactive_xml(compose_lab, VM)
    result = lab.run_module_file('kvm_vm_compose', vm_args(memory_mib=192, vcpus=2), check=True, diff=True)
    assert not result.get('failed'), result
    assert result['changed'] is True
    definition = result['diff'][0]
    assert '<vcpu' in definition['after'] and definition['before'] == before
    assert inactive_xml(compose_lab, VM) == before
    assert compose_lab.lookupByName(VM).isActive()


def test_memory_change_updates_with_diff(composed, compose_lab):
    uuid = compose_lab.lookupByName(VM).UUIDString()
    result = lab.run_module_file('kvm_vm_compose', vm_args(memory_mib=160), diff=True)
    assert not result.get('failed'), result
    assert result['changed'] is True
    assert result['restart_required'] is True
    definition = result['diff'][0]
    assert "<memory unit='KiB'>131072</memory>" in definition['before'].replace('"', "'")
    assert "<memory unit='KiB'>163840</memory>" in definition['after'].replace('"', "'")
    dom = compose_lab.lookupByName(VM)
    assert dom.UUIDString() == uuid  # updated in place, not re-created
    assert 'KiB">163840<' in inactive_xml(compose_lab, VM).replace("'", '"')
    assert result['interfaces'][0]['mac'] == composed['interfaces'][0]['mac']
    rc, again, out = lab.run_module('kvm_vm_compose', vm_args(memory_mib=160))
    assert rc == 0 and again['changed'] is False, out


def test_absent_keeps_volume(composed, compose_lab):
    rc, result, out = lab.run_module('kvm_vm_compose', {'name': VM, 'state': 'absent'})
    assert rc == 0, out
    assert result['changed'] is True
    assert VM not in [d.name() for d in compose_lab.listAllDomains(0)]
    pool = compose_lab.storagePoolLookupByName(POOL)
    pool.refresh(0)
    assert '%s-disk0.qcow2' % VM in pool.listVolumes()
    rc, again, out = lab.run_module('kvm_vm_compose', {'name': VM, 'state': 'absent'})
    assert rc == 0 and again['changed'] is False, out


def test_parallel_composes_get_unique_identities(compose_lab):
    procs = []
    tree = tempfile.mkdtemp(prefix='kvmnt-par-')
    try:
        for index in range(8):
            args = {'name': '%spar%d' % (P, index), 'domain_type': 'qemu', 'memory_mib': 128, 'state': 'present',
                    'interfaces': [{'type': 'bridge', 'source': BRIDGE}, {'type': 'bridge', 'source': BRIDGE}]}
            out = os.path.join(tree, str(index))
            procs.append(subprocess.Popen(
                ['ansible', 'localhost', '-t', out, '-m', 'kvmnet.netboot.kvm_vm_compose', '-a', json.dumps(args)],
                stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=dict(os.environ,
                                                                           ANSIBLE_LOCALHOST_WARNING='false')))
        outputs = [p.communicate()[0].decode() for p in procs]
        assert all(p.returncode == 0 for p in procs), outputs
        results = []
        for index in range(8):
            with open(os.path.join(tree, str(index), 'localhost')) as handle:
                results.append(json.load(handle))
        macs = [n['mac'] for r in results for n in r['interfaces']]
        taps = [n['target'] for r in results for n in r['interfaces']]
        assert len(macs) == 16 and len(set(macs)) == 16
        assert len(set(taps)) == 16 and all(len(t) <= 15 for t in taps)
        names = [d.name() for d in compose_lab.listAllDomains(0) if d.name().startswith(P + 'par')]
        assert len(names) == 8
    finally:
        shutil.rmtree(tree, ignore_errors=True)
        for dom in compose_lab.listAllDomains(0):
            if dom.name().startswith(P + 'par'):
                dom.undefine()


@pytest.mark.parametrize('args, words', [
    ({'name': 'bad/name'}, "may hold only letters"),
    ({'name': 'bad<name'}, "may hold only letters"),
    ({'name': 'x' * 65}, 'the limit is 64'),
    ({'disks': [{'size_gib': 1, 'pool': P + 'nopool'}]}, 'storage pool %snopool does not exist' % P),
    ({'interfaces': [{'type': 'network', 'source': P + 'nonet'}]}, 'libvirt network %snonet does not exist' % P),
    ({'interfaces': [{'type': 'bridge', 'source': P + 'nobr'}]}, 'host device %snobr does not exist' % P),
    ({'interfaces': [{'type': 'bridge', 'source': PARENT}]}, 'is not a bridge'),
    ({'memory_mib': 64}, 'below 128 MiB'),
    ({'interfaces': [{'type': 'bridge', 'source': BRIDGE, 'mac': '52:54:00:zz:00:01'}]}, 'is not a MAC address'),
    ({'interfaces': [{'type': 'bridge', 'source': BRIDGE, 'mac': '01:00:5e:00:00:01'}]}, 'multicast'),
    ({'tap_prefix': 'vnet'}, 'tap_prefix must be'),
])
def test_bad_input_defines_nothing(compose_lab, args, words):
    wanted = vm_args(name=P + 'bad', **dict((k, v) for k, v in args.items() if k != 'name'))
    if 'name' in args:
        wanted['name'] = args['name']
    rc, result, out = lab.run_module('kvm_vm_compose', wanted)
    assert rc != 0
    assert words in result.get('msg', ''), out
    assert 'Traceback' not in out
    assert not [d for d in compose_lab.listAllDomains(0) if 'bad' in d.name()]
    pool = compose_lab.storagePoolLookupByName(POOL)
    pool.refresh(0)
    assert not [v for v in pool.listVolumes() if 'bad' in v]


def test_every_macvlan_mode_the_selection_returns_is_accepted_by_libvirt(compose_lab):
    """The selection speaks MAAS's macvlan modes; libvirt's domain XML wants passthrough for passthru.
    Each mode must give a domain this libvirtd defines, and a re-run must find nothing to change."""
    name = P + 'modes'
    args = {'name': name, 'domain_type': 'qemu', 'memory_mib': 128, 'boot': ['network'],
            'interfaces': [{'type': 'macvlan', 'source': PARENT, 'mode': mode}
                           for mode in ('bridge', 'private', 'vepa', 'passthru')]}
    try:
        result = lab.run_module_file('kvm_vm_compose', args)
        assert not result.get('failed'), result
        modes = [e.get('mode') for e in etree.fromstring(inactive_xml(compose_lab, name).encode()).iter('source')]
        assert modes == ['bridge', 'private', 'vepa', 'passthrough']
        assert [nic['mode'] for nic in result['interfaces']] == ['bridge', 'private', 'vepa', 'passthru']
        again = lab.run_module_file('kvm_vm_compose', args)
        assert again['changed'] is False, again
    finally:
        lab.run_module_file('kvm_vm_compose', {'name': name, 'state': 'absent'})
