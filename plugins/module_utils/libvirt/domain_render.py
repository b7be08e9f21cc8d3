# -*- coding: utf-8 -*-
# Copyright: kvmnet.netboot contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Build a domain's XML from a VmSpec with lxml, or update an existing definition in place.

Updating edits only what we manage (type, memory, vCPUs, machine, firmware, NICs, our disks, boot
order, the kvmnet metadata of routed NICs) and keeps everything libvirt or the operator added (PCI
addresses, controllers, other disks, other metadata).
``summary`` reduces a definition to the fields we manage, to tell whether anything must change.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.kvmnet.netboot.plugins.module_utils.common.names import libvirt_macvlan_mode, maas_macvlan_mode
from ansible_collections.kvmnet.netboot.plugins.module_utils.common.xml_parsing import etree, parse_xml, to_int
from ansible_collections.kvmnet.netboot.plugins.module_utils.libvirt.domain_xml import (
    ROUTED_METADATA_NS, domain_interfaces, nic_mode, parse_interface)

_DISK_PREFIX = {'virtio': 'vd', 'scsi': 'sd', 'sata': 'sd', 'ide': 'hd'}
_XML_TYPE = {'network': 'network', 'bridge': 'bridge', 'macvlan': 'direct', 'routed': 'ethernet'}
_KIB_PER = {'b': 1.0 / 1024, 'bytes': 1.0 / 1024, 'k': 1, 'kib': 1, 'kb': 1000.0 / 1024, 'm': 1024, 'mib': 1024,
            'mb': 1000000.0 / 1024, 'g': 1024 ** 2, 'gib': 1024 ** 2, 'gb': 1e9 / 1024, 't': 1024 ** 3,
            'tib': 1024 ** 3}


def _child(parent, tag, **attrs):
    elem = etree.SubElement(parent, tag)
    for key, value in attrs.items():
        elem.set(key, str(value))
    return elem


def _insert_before(parent, elem, before):
    """Put ``elem`` before ``parent``'s first ``before`` child, or last when there is none."""
    anchor = parent.find(before) if before else None
    if anchor is not None:
        anchor.addprevious(elem)
    else:
        parent.append(elem)
    return elem


def _ensure(parent, tag, before=None):
    elem = parent.find(tag)
    return elem if elem is not None else _insert_before(parent, etree.Element(tag), before)


def _new_domain(spec):
    root = etree.Element('domain')
    _child(root, 'name').text = spec.name
    _child(root, 'memory', unit='MiB').text = str(spec.memory_mib or 1024)
    _child(root, 'vcpu').text = str(spec.vcpus or 1)
    os_elem = _child(root, 'os')
    _child(os_elem, 'type', arch='x86_64').text = 'hvm'
    features = _child(root, 'features')
    _child(features, 'acpi')
    _child(features, 'apic')
    _child(root, 'on_poweroff').text = 'destroy'
    _child(root, 'on_reboot').text = 'restart'
    _child(root, 'on_crash').text = 'destroy'
    devices = _child(root, 'devices')
    serial = _child(devices, 'serial', type='pty')
    _child(serial, 'target', port='0')
    console = _child(devices, 'console', type='pty')
    _child(console, 'target', type='serial', port='0')
    return root


def _set_memory(root, mib):
    for tag in ('memory', 'currentMemory'):
        elem = root.find(tag)
        if elem is None and tag == 'currentMemory':
            continue
        elem = _ensure(root, tag)
        elem.set('unit', 'KiB')
        elem.text = str(mib * 1024)


def _disk_elem(disk, target_dev):
    elem = etree.Element('disk', type='volume', device='disk')
    _child(elem, 'driver', name='qemu', type=disk.format)
    _child(elem, 'source', pool=disk.pool, volume=disk.volume)
    _child(elem, 'target', dev=target_dev, bus=disk.bus)
    return elem


def _disk_dev_name(bus, used):
    prefix = _DISK_PREFIX[bus]
    for index in range(26 * 27):
        letters = chr(97 + index) if index < 26 else chr(96 + index // 26) + chr(97 + index % 26)
        name = prefix + letters
        if name not in used:
            used.add(name)
            return name
    raise ValueError('no free disk target name')


def _managed_disk(devices, disk):
    for elem in devices.findall('disk'):
        source = elem.find('source')
        if source is not None and source.get('pool') == disk.pool and source.get('volume') == disk.volume:
            return elem
    return None


def _apply_nic(elem, nic, identity):
    """Make ``elem`` (an existing or new <interface>) describe ``nic``; keeps addresses and aliases."""
    elem.set('type', _XML_TYPE[nic.type])
    for tag in ('source', 'model', 'target', 'boot', 'mac'):
        for old in elem.findall(tag):
            elem.remove(old)
    position = 0
    mac = etree.Element('mac', address=identity.mac)
    elem.insert(position, mac)
    if nic.type == 'network':
        source = etree.Element('source', network=nic.source)
    elif nic.type == 'bridge':
        source = etree.Element('source', bridge=nic.source)
    elif nic.type == 'macvlan':
        source = etree.Element('source', dev=nic.source, mode=libvirt_macvlan_mode(nic.mode))
    else:  # routed: a plain tap libvirt creates; the NIC hooks route the addresses to it
        source = None
    if source is not None:
        position += 1
        elem.insert(position, source)
    elem.insert(position + 1, etree.Element('target', dev=identity.target))
    elem.insert(position + 2, etree.Element('model', type=nic.model))


def _set_routed_metadata(root, spec, identities):
    """<metadata><kvmnet:nics> lists each routed NIC's addresses and table; gone when there is none."""
    tag = '{%s}nics' % ROUTED_METADATA_NS
    metadata = root.find('metadata')
    if metadata is not None:
        for old in metadata.findall(tag):
            metadata.remove(old)
    routed = [(nic, identity) for nic, identity in zip(spec.nics, identities) if nic.type == 'routed']
    if not routed:
        if metadata is not None and len(metadata) == 0:
            root.remove(metadata)
        return
    if metadata is None:
        metadata = _ensure(root, 'metadata', before='memory')
    nics = etree.SubElement(metadata, tag, nsmap={'kvmnet': ROUTED_METADATA_NS})
    for nic, identity in routed:
        elem = etree.SubElement(nics, '{%s}nic' % ROUTED_METADATA_NS, mac=identity.mac)
        if nic.table is not None:
            elem.set('table', str(nic.table))
        for ip in nic.ips:
            etree.SubElement(elem, '{%s}ip' % ROUTED_METADATA_NS).text = ip


def _set_boot_order(spec, devices, nic_elems, disk_elems):
    for elem in devices.iter('boot'):
        elem.getparent().remove(elem)
    order = 1
    for device in spec.boot:
        if device == 'network' and spec.boot_nic is not None:
            _child(nic_elems[spec.boot_nic.index], 'boot', order=order)
            order += 1
        elif device == 'hd' and disk_elems:
            _child(disk_elems[0], 'boot', order=order)
            order += 1


def _apply_basics(root, spec, domain_type):
    """Type, memory, vCPUs, machine and firmware; boot order is set per device later."""
    root.set('type', domain_type)
    if spec.memory_mib is not None:
        _set_memory(root, spec.memory_mib)
    if spec.vcpus is not None:
        vcpu = _ensure(root, 'vcpu')
        vcpu.text = str(spec.vcpus)
    os_elem = _ensure(root, 'os')
    for old in os_elem.findall('boot'):
        os_elem.remove(old)
    os_type = _ensure(os_elem, 'type')
    if spec.machine:
        os_type.set('machine', spec.machine)
    if spec.firmware == 'uefi':
        os_elem.set('firmware', 'efi')
    elif os_elem.get('firmware') == 'efi':
        del os_elem.attrib['firmware']


def _place_nics(devices, spec, identities):
    """The <interface> of each NIC (edited in place by position, or added); extra ones removed."""
    existing_nics = devices.findall('interface')
    nic_elems = []
    for nic, identity in zip(spec.nics, identities):
        if nic.index < len(existing_nics):
            elem = existing_nics[nic.index]
        else:
            elem = _insert_before(devices, etree.Element('interface'), 'serial')
        _apply_nic(elem, nic, identity)
        nic_elems.append(elem)
    for extra in existing_nics[len(spec.nics):]:
        devices.remove(extra)
    return nic_elems


def _place_disks(devices, spec):
    """The <disk> of each managed disk (found by pool and volume, or added before the NICs)."""
    used_targets = set(t.get('dev') for t in devices.findall('disk/target'))
    disk_elems = []
    for disk in spec.disks:
        elem = _managed_disk(devices, disk)
        if elem is None:
            elem = _disk_elem(disk, _disk_dev_name(disk.bus, used_targets))
            first_nic = devices.find('interface')
            if first_nic is not None:
                first_nic.addprevious(elem)
            else:
                devices.insert(0, elem)
        disk_elems.append(elem)
    return disk_elems


def render(spec, identities, domain_type, existing_xml=None):
    """Domain XML (text) for ``spec``. ``identities``: one vm.identity.NicIdentity per NIC.

    With ``existing_xml`` (the inactive definition), that document is edited in place.
    """
    root = parse_xml(existing_xml, 'domain') if existing_xml else _new_domain(spec)
    _apply_basics(root, spec, domain_type)
    devices = _ensure(root, 'devices')
    nic_elems = _place_nics(devices, spec, identities)
    _set_routed_metadata(root, spec, identities)
    disk_elems = _place_disks(devices, spec)
    _set_boot_order(spec, devices, nic_elems, disk_elems)
    return etree.tostring(root, pretty_print=True, encoding='unicode')


def _memory_mib(elem):
    if elem is None or not elem.text:
        return None
    unit = (elem.get('unit') or 'KiB').lower()
    return int(round(int(elem.text) * _KIB_PER.get(unit, 1) / 1024))


def _nic_summary(nic):
    """The managed fields of a parsed interface; a routed NIC has its addresses and table besides."""
    record = {'type': nic['type'], 'source': nic['source'], 'mode': maas_macvlan_mode(nic['mode']),
              'mac': nic['mac'], 'model': nic['model'], 'target': nic['target'], 'boot': nic['boot_order']}
    if nic_mode(nic) == 'routed':
        record.update(ips=nic['ips'], table=nic['table'])
    return record


def _disk_summary(elem):
    source = elem.find('source')
    driver = elem.find('driver')
    target = elem.find('target')
    boot = elem.find('boot')
    return {
        'pool': source.get('pool') if source is not None else None,
        'volume': source.get('volume') if source is not None else None,
        'file': source.get('file') if source is not None else None,
        'format': driver.get('type') if driver is not None else None,
        'bus': target.get('bus') if target is not None else None,
        'boot': to_int(boot.get('order')) if boot is not None else None,
    }


def summary(xml):
    """The managed fields of a domain definition, comparable across libvirt's normalisation (a running
    domain shows a NIC on a libvirt network as type bridge: parse_interface reads it as network)."""
    root = parse_xml(xml, 'domain')
    os_elem = root.find('os')
    os_type = root.find('os/type')
    return {
        'domain_type': root.get('type'),
        'memory_mib': _memory_mib(root.find('memory')),
        'vcpus': to_int(root.findtext('vcpu')),
        'machine': os_type.get('machine') if os_type is not None else None,
        'firmware': os_elem.get('firmware') if os_elem is not None else None,
        'interfaces': [_nic_summary(nic) for nic in domain_interfaces(root)],
        'disks': [_disk_summary(e) for e in root.findall('devices/disk')],
    }


_MACHINE_ALIASES = {'pc': 'pc-i440fx-', 'q35': 'pc-q35-'}


def comparable(summary_record, spec):
    """Drop what the user did not ask to manage: the machine type libvirt picked when none was given,
    or the versioned machine type libvirt expanded an alias (pc, q35) into."""
    record = dict(summary_record)
    machine = record.pop('machine', None)
    if spec.machine and machine != spec.machine and not (
            machine and machine.startswith(_MACHINE_ALIASES.get(spec.machine, '\0'))):
        record['machine'] = machine
    return record


def interfaces_of(xml):
    """(mac, target) of each interface of a definition, in order."""
    root = parse_xml(xml, 'domain')
    return [(nic['mac'], nic['target']) for nic in (parse_interface(e) for e in root.findall('devices/interface'))]
