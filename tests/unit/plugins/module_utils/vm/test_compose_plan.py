# -*- coding: utf-8 -*-
# Copyright: kvmnet.netboot contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""kvm_vm_compose's plans: the steps from the domain found to the state wanted, removal with and without the
VM's own volumes, whether a running VM needs a restart, and the result it reports."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest
from lxml import etree

from ansible_collections.kvmnet.netboot.plugins.module_utils.libvirt import domain_render
from ansible_collections.kvmnet.netboot.plugins.module_utils.maas.power import power_details
from ansible_collections.kvmnet.netboot.plugins.module_utils.vm.compose_plan import (
    DomainFound, compose_outcome, own_volumes, plan_compose, plan_removal, restart_required)
from ansible_collections.kvmnet.netboot.plugins.module_utils.vm.identity import NicIdentity
from ansible_collections.kvmnet.netboot.plugins.module_utils.vm.spec import build_spec

NICS = [{'type': 'bridge', 'source': 'br0', 'boot': True}, {'type': 'network', 'source': 'maas'}]


def spec(**params):
    base = {'name': 'node1', 'vcpus': 2, 'memory_mib': 512, 'interfaces': NICS,
            'disks': [{'size_gib': 1, 'pool': 'p'}], 'boot': ['network', 'hd']}
    base.update(params)
    return build_spec(base)


IDS = [NicIdentity('52:54:00:00:00:0%d' % i, 'kntestn%d' % i) for i in range(3)]


def defined(vm=None):
    """The persistent XML of ``vm`` as this collection defines it."""
    return domain_render.render(vm or spec(), IDS, 'qemu')


def actions(plan):
    return [action for action, dummy in plan.steps]


@pytest.mark.parametrize('found, state, recreate, steps, differences', [
    (None, 'running', False, ['create_volume', 'define', 'start'], ['node1 (persistent XML)', 'volumes created', 'running']),
    (None, 'present', False, ['create_volume', 'define'], ['node1 (persistent XML)', 'volumes created']),
    ('same, running', 'running', False, [], []),
    ('same, running', 'present', False, [], []),
    ('same, running', 'stopped', False, ['stop'], ['running']),
    ('same, stopped', 'running', False, ['start'], ['running']),
    ('same, running', 'running', True, [], []),
    ('older, running', 'running', False, ['define'], ['node1 (persistent XML)']),
    ('older, running', 'running', True, ['destroy', 'undefine', 'define', 'start'], ['node1 (persistent XML)']),
    ('older, stopped', 'present', True, ['undefine', 'define'], ['node1 (persistent XML)']),
], ids=['new running', 'new defined only', 'as wanted', 'present leaves it running', 'stop', 'start',
        'recreate of the same definition does nothing', 'changed in place (a restart is due)',
        'recreate a running VM', 'recreate a stopped VM'])
def test_compose_plan(found, state, recreate, steps, differences):
    older = defined(spec(memory_mib=256))
    found = {None: None, 'same, running': DomainFound(defined(), True), 'same, stopped': DomainFound(defined(), False),
             'older, running': DomainFound(older, True), 'older, stopped': DomainFound(older, False)}[found]
    vm = spec()
    missing = list(vm.disks) if found is None else []
    plan = plan_compose(vm, found, IDS, 'qemu', missing, state, recreate)
    assert actions(plan) == steps
    assert plan.tracker.differences() == differences
    assert plan.changed is bool(differences)
    assert plan.predicted['created_volumes'] == (['p/node1-disk0.qcow2'] if found is None else [])
    assert domain_render.summary(plan.predicted['xml'])['memory_mib'] == 512


def test_an_update_keeps_what_libvirt_added_and_the_macs(fixture_text):
    existing = fixture_text('libvirt-live-dom-network-bridge-direct-inactive.xml')
    macs = [mac for mac, dummy in domain_render.interfaces_of(existing)[:2]]
    identities = [NicIdentity(mac, 'kn%d' % i) for i, mac in enumerate(macs)]
    vm = spec(name='capture-vm', interfaces=[{'type': 'network', 'source': 'maas'},
                                             {'type': 'bridge', 'source': 'capbr0'}], disks=[], memory_mib=128)
    plan = plan_compose(vm, DomainFound(existing, False), identities, 'qemu', [], 'present')
    assert [mac for mac, dummy in domain_render.interfaces_of(plan.predicted['xml'])] == macs
    assert 'controller' in plan.predicted['xml']


def test_removal_deletes_only_the_vms_own_volumes_when_asked():
    vm = spec(disks=[{'size_gib': 1, 'pool': 'p'}, {'size_gib': 2, 'pool': 'q'}])
    xml = edited(defined(vm), "/domain/devices/disk/source[@volume='node1-disk1.qcow2']", 'volume', 'shared-data.qcow2')
    assert own_volumes('node1', xml) == [('p', 'node1-disk0.qcow2')]
    plan = plan_removal('node1', DomainFound(xml, True), remove_storage=True, uuid='u-1')
    assert plan.steps == [('destroy', None), ('undefine', None), ('delete_volume', ('p', 'node1-disk0.qcow2'))]
    assert plan.predicted == {'domain': {'name': 'node1', 'uuid': 'u-1', 'state': 'absent'},
                              'removed_volumes': ['p/node1-disk0.qcow2']}
    kept = plan_removal('node1', DomainFound(xml, False), remove_storage=False)
    assert actions(kept) == ['undefine'] and kept.predicted['removed_volumes'] == [] and kept.changed
    gone = plan_removal('node1', None, remove_storage=True)
    assert gone.steps == [] and not gone.changed


def edited(xml, path, attribute, value):
    """``xml`` with ``attribute`` of the elements at XPath ``path`` set to ``value`` (in turn, when a list)."""
    root = etree.fromstring(xml.encode())
    for element, new in zip(root.xpath(path), value if isinstance(value, list) else [value] * 99):
        element.set(attribute, new)
    return etree.tostring(root, encoding='unicode')


def with_live_taps(xml):
    """The live XML libvirt shows of a running VM: tap names of its own choosing."""
    return edited(xml, '/domain/devices/interface/target', 'dev', ['vnet7', 'vnet8'])


@pytest.mark.parametrize('change, required', [
    ({}, False),
    ({'memory_mib': 1024}, True),
    ({'vcpus': 4}, True),
    ({'interfaces': NICS + [{'type': 'bridge', 'source': 'br1'}]}, True),
    ({'interfaces': [NICS[0], {'type': 'network', 'source': 'other'}]}, True),
    ({'disks': [{'size_gib': 1, 'pool': 'p'}, {'size_gib': 1, 'pool': 'p'}]}, False),
], ids=['same', 'memory', 'vcpus', 'one NIC more', 'a NIC moved', 'a disk more (no restart for disks)'])
def test_restart_required(change, required):
    live = with_live_taps(defined())
    assert restart_required(live, defined(spec(**change))) is required


def test_the_outcome_names_the_boot_nic_and_what_maas_needs():
    vm = spec()
    xml = defined(vm)
    live = with_live_taps(xml)
    outcome = compose_outcome(vm, xml, live, {'name': 'node1', 'uuid': 'u-1', 'state': 'running'}, (True, True),
                              lambda mac: power_details(mac, 'qemu+ssh://kvmnet-power@198.51.100.10/system', 'u-1'))
    assert [(n['mac'], n['target'], n['type'], n['source']) for n in outcome['interfaces']] == [
        ('52:54:00:00:00:00', 'vnet7', 'bridge', 'br0'), ('52:54:00:00:00:01', 'vnet8', 'network', 'maas')]
    assert outcome['pxe_mac'] == '52:54:00:00:00:00'
    assert outcome['maas']['power_parameters']['power_id'] == 'u-1'
    assert outcome['restart_required'] is False
    bigger = defined(spec(memory_mib=1024))
    assert compose_outcome(spec(memory_mib=1024), bigger, live, {}, (True, True), lambda mac: None)[
        'restart_required'] is True
    # a VM that is not running (or will not be) never needs a restart
    assert compose_outcome(spec(memory_mib=1024), bigger, live, {}, (True, False), lambda mac: None)[
        'restart_required'] is False
