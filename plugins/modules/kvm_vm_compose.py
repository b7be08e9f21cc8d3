#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: kvmnet.netboot contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: kvm_vm_compose
short_description: Compose PXE-ready VMs on libvirt, idempotently
version_added: 0.1.0
description:
  - Defines (and optionally starts, stops or removes) a libvirt domain whose NICs are the attachments
    chosen by M(kvmnet.netboot.kvm_attachment_select), network boot first so that MAAS can PXE-boot it,
    and returns what MAAS needs to enlist it.
  - An existing VM is updated in place (its persistent definition), never undefined and defined again
    unless O(recreate=true). MAC addresses and tap names are kept on every run.
  - New NICs get locally administered C(52:54:00) MAC addresses and tap names derived from the VM name,
    unique on the host. Allocation and definition are serialised with a host-local lock, so parallel
    composes never hand out the same MAC, tap name or volume.
extends_documentation_fragment:
  - kvmnet.netboot.libvirt
  - ansible.builtin.action_common_attributes
options:
  name:
    description: Domain name. Letters, digits, C(.), C(_), C(+), C(-); at most 64 characters.
    type: str
    required: true
  state:
    description:
      - C(present) - defined; the power state is left alone.
      - C(running) - defined and started.
      - C(stopped) - defined and powered off (forced, as MAAS's virsh power driver does).
      - C(absent) - powered off and undefined; volumes are kept unless O(remove_storage=true).
    type: str
    choices: [present, running, stopped, absent]
    default: present
  vcpus:
    description: Number of virtual CPUs.
    type: int
    default: 1
  memory_mib:
    description: Memory in MiB, at least 128.
    type: int
    default: 1024
  disks:
    description:
      - Disks, created as volumes named C(<name>-disk<index>.<format>) in their pool when missing. An
        existing volume is used as it is (never resized).
    type: list
    elements: dict
    default: []
    suboptions:
      size_gib:
        description: Capacity in GiB (thin-provisioned).
        type: float
        required: true
      pool:
        description: libvirt storage pool. It must exist and be active.
        type: str
        default: default
      format:
        description: Volume format.
        type: str
        choices: [qcow2, raw]
        default: qcow2
      bus:
        description: Disk bus.
        type: str
        choices: [virtio, scsi, sata, ide]
        default: virtio
  interfaces:
    description:
      - NICs, in order. The C(attachments) of M(kvmnet.netboot.kvm_attachment_select) can be passed as they
        are.
    type: list
    elements: dict
    default: []
    suboptions:
      type:
        description: C(network) (a libvirt network), C(bridge) (a host bridge) or C(macvlan) (macvtap on a
          host device, C(<interface type='direct'>)).
        type: str
        required: true
        choices: [network, bridge, macvlan]
      source:
        description: The network, bridge or parent device name.
        type: str
        required: true
      mode:
        description:
          - Macvlan mode - C(bridge), C(private), C(vepa) or C(passthru); C(bridge) when not given.
          - Ignored for other types (attachments carry a null mode for them, which templating may turn into
            the text C(None)).
        type: str
      mac:
        description: MAC address. Default - the one the existing VM has, else a new unique C(52:54:00) one.
        type: str
      model:
        description: NIC model.
        type: str
        choices: [virtio, e1000, e1000e, rtl8139]
        default: virtio
      boot:
        description: This is the NIC to PXE-boot from (default - the first NIC).
        type: bool
        default: false
      label:
        description: From M(kvmnet.netboot.kvm_attachment_select); informational.
        type: str
      ifname:
        description: From M(kvmnet.netboot.kvm_attachment_select); the guest's name for the NIC, informational.
        type: str
      vlan:
        description: From M(kvmnet.netboot.kvm_attachment_select); informational.
        type: raw
      ip:
        description: From M(kvmnet.netboot.kvm_attachment_select); for MAAS to assign, informational here.
        type: str
      ip_mode:
        description: From M(kvmnet.netboot.kvm_attachment_select); informational.
        type: str
  boot:
    description: Boot order. Network first by default, so that MAAS can PXE-boot (and later reinstall) the VM.
    type: list
    elements: str
    choices: [network, hd]
    default: [network, hd]
  domain_type:
    description: C(kvm), C(qemu) (TCG emulation), or C(auto) - C(kvm) when C(/dev/kvm) is usable, else C(qemu).
    type: str
    choices: [auto, kvm, qemu]
    default: auto
  machine:
    description: Machine type (C(pc), C(q35), or a versioned one). Default - libvirt's.
    type: str
  firmware:
    description: C(bios), or C(uefi) (libvirt picks an EFI firmware image).
    type: str
    choices: [bios, uefi]
    default: bios
  tap_prefix:
    description: Prefix of the NICs' tap device names (1-6 lower-case letters or digits, not C(vnet)/C(macvtap)).
    type: str
    default: kn
  recreate:
    description: When the definition must change, undefine and define the domain instead of updating it.
    type: bool
    default: false
  remove_storage:
    description: With O(state=absent), also delete the VM's volumes (those named after it).
    type: bool
    default: false
  start_timeout:
    description: Seconds to wait for the domain to reach C(running) (or C(shut off)).
    type: int
    default: 30
  power_address:
    description:
      - C(power_address) reported for MAAS's virsh power driver.
      - Default - O(uri) when it is remote, else C(qemu+ssh://root@<libvirt host name>/system).
    type: str
attributes:
  check_mode:
    support: full
    details: Nothing is defined, created, started or stopped; the result says what would change.
  diff_mode:
    support: full
    details: The persistent XML before and after.
  platform:
    platforms: posix
notes:
  - O(state=stopped) and O(state=absent) power the VM off at once (virDomainDestroy), as MAAS does.
  - When the VM runs while its definition changes, C(restart_required) says so; the running VM keeps the
    old definition until it is powered off and on.
seealso:
  - module: kvmnet.netboot.kvm_attachment_select
author:
  - kvmnet.netboot maintainers (@kvmnet)
'''

EXAMPLES = r'''
- name: Choose where the NICs attach
  kvmnet.netboot.kvm_attachment_select:
    maas_model: "{{ maas_model }}"
  register: attach

- name: Compose the VM and start it
  kvmnet.netboot.kvm_vm_compose:
    name: node01
    vcpus: 2
    memory_mib: 4096
    disks:
      - size_gib: 20
    interfaces: "{{ attach.attachments }}"
    state: running
  register: vm

- name: Enlist it in MAAS
  ansible.builtin.debug:
    msg: "maas $PROFILE machines create architecture=amd64/generic mac_addresses={{ vm.maas.pxe_mac_address }}
          power_type=virsh power_parameters_power_address={{ vm.maas.power_parameters.power_address }}
          power_parameters_power_id={{ vm.maas.power_parameters.power_id }}"

- name: Remove it, keeping its disks
  kvmnet.netboot.kvm_vm_compose:
    name: node01
    state: absent
'''

RETURN = r'''
domain:
  description: C(name), C(uuid) (null in check mode for a new VM) and C(state) (C(running), C(shutoff), ..., C(absent)).
  returned: always
  type: dict
  sample: {name: node01, uuid: 5f0c3c43-2b84-4b8e-8a2c-4e0b7a4b7c11, state: running}
xml:
  description: The persistent (inactive) definition after the run.
  returned: unless state is absent
  type: str
interfaces:
  description: Per NIC - C(mac), C(target) (tap or macvtap device), C(type), C(source), C(mode).
  returned: unless state is absent
  type: list
  elements: dict
  sample: [{mac: "52:54:00:1c:9a:03", target: knq3x9a1n0, type: bridge, source: br-enp1s0, mode: null}]
pxe_mac:
  description: MAC of the boot NIC.
  returned: when the VM has a NIC
  type: str
restart_required:
  description: The VM runs an older definition than the persistent one.
  returned: unless state is absent
  type: bool
maas:
  description: What MAAS needs to enlist the VM with the virsh power driver - C(power_type) (C(virsh)),
    C(power_parameters) (C(power_address), C(power_id)) and C(pxe_mac_address).
  returned: unless state is absent
  type: dict
  sample: {power_type: virsh, power_parameters: {power_address: "qemu+ssh://root@kvm01/system", power_id: node01},
           pxe_mac_address: "52:54:00:1c:9a:03"}
'''

import os
import time

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.kvmnet.netboot.plugins.module_utils.libvirt import domain_render as builder
from ansible_collections.kvmnet.netboot.plugins.module_utils.host.lock import HostLockTimeout, host_lock
from ansible_collections.kvmnet.netboot.plugins.module_utils.libvirt.connection import (
    DOMAIN_STATES, error_message, libvirt)
from ansible_collections.kvmnet.netboot.plugins.module_utils.libvirt.ansible_glue import (
    URI_ARGUMENT_SPEC, connect, require_libraries)
from ansible_collections.kvmnet.netboot.plugins.module_utils.vm.identity import allocate_mac, allocate_tap
from ansible_collections.kvmnet.netboot.plugins.module_utils.libvirt.volume_render import volume_xml
from ansible_collections.kvmnet.netboot.plugins.module_utils.vm.spec import SpecError, build_spec

SYS_NET = '/sys/class/net'


class ComposeError(Exception):
    """A problem the user can act on; nothing was changed."""


def lookup_domain(conn, name):
    try:
        return conn.lookupByName(name)
    except libvirt.libvirtError:
        return None


def state_name(dom):
    return DOMAIN_STATES.get(dom.state()[0], 'unknown') if dom is not None else 'absent'


def is_local(uri):
    return '//' in uri and uri.split('//', 1)[1].startswith('/')


def domain_type_for(requested):
    if requested != 'auto':
        return requested
    return 'kvm' if os.access('/dev/kvm', os.R_OK | os.W_OK) else 'qemu'


def check_references(conn, spec, uri):
    """Everything the VM points at exists; raise ComposeError before anything is changed."""
    for nic in spec.nics:
        where = 'interfaces[%d]' % nic.index
        if nic.type == 'network':
            try:
                conn.networkLookupByName(nic.source)
            except libvirt.libvirtError:
                raise ComposeError('%s: libvirt network %s does not exist (kvm_network_facts lists the networks)'
                                   % (where, nic.source))
        elif is_local(uri):
            path = os.path.join(SYS_NET, nic.source)
            if not os.path.exists(path):
                raise ComposeError('%s: host device %s does not exist' % (where, nic.source))
            if nic.type == 'bridge' and not os.path.isdir(os.path.join(path, 'bridge')):
                raise ComposeError('%s: host device %s is not a bridge; use type macvlan for a NIC, bond or VLAN'
                                   % (where, nic.source))
    pools = {}
    for disk in spec.disks:
        if disk.pool in pools:
            continue
        try:
            pool = conn.storagePoolLookupByName(disk.pool)
        except libvirt.libvirtError:
            raise ComposeError('disks[%d]: storage pool %s does not exist; define it (virsh pool-define-as %s dir '
                               '--target /var/lib/libvirt/images) or set pool' % (disk.index, disk.pool, disk.pool))
        if not pool.isActive():
            raise ComposeError('disks[%d]: storage pool %s is not active; start it (virsh pool-start %s)'
                               % (disk.index, disk.pool, disk.pool))
        pools[disk.pool] = pool
    return pools


def identities_in_use(conn, own_name):
    """MACs and tap/macvtap names used by other domains (persistent and live) and by host links.

    The VM's own running taps are host links too; they stay its own.
    """
    macs, taps, own = set(), set(), set()
    for dom in conn.listAllDomains(0):
        flags = [0, libvirt.VIR_DOMAIN_XML_INACTIVE] if dom.isActive() else [0]
        for flag in flags:
            for mac, target in builder.interfaces_of(dom.XMLDesc(flag)):
                if dom.name() == own_name:
                    own.update(x for x in (mac, target) if x)
                    continue
                if mac:
                    macs.add(mac)
                if target:
                    taps.add(target)
    if os.path.isdir(SYS_NET):
        for link in os.listdir(SYS_NET):
            if link not in own:
                taps.add(link)
            try:
                with open(os.path.join(SYS_NET, link, 'address')) as handle:
                    mac = handle.read().strip().lower()
            except (IOError, OSError):
                continue
            if mac not in own:
                macs.add(mac)
    return macs, taps


def nic_identities(spec, existing_xml, used_macs, used_taps):
    existing = builder.interfaces_of(existing_xml) if existing_xml else []
    identities = []
    for nic in spec.nics:
        old_mac, old_target = existing[nic.index] if nic.index < len(existing) else (None, None)
        mac = nic.mac or old_mac
        if mac and mac in used_macs and mac != old_mac:
            raise ComposeError('interfaces[%d]: MAC %s is already used on this host' % (nic.index, mac))
        if not mac:
            mac = allocate_mac(spec.name, nic.index, used_macs)
        used_macs.add(mac)
        if old_target and old_target.startswith(spec.tap_prefix) and old_target not in used_taps:
            target = old_target
        else:
            target = allocate_tap(spec.tap_prefix, spec.name, nic.index, used_taps)
        used_taps.add(target)
        identities.append(builder.NicIdentity(mac, target))
    return identities


def missing_volumes(pools, spec):
    missing = []
    for disk in spec.disks:
        try:
            pools[disk.pool].storageVolLookupByName(disk.volume)
        except libvirt.libvirtError:
            missing.append(disk)
    return missing


def wait_for(dom, wanted, timeout):
    deadline = time.monotonic() + timeout
    while state_name(dom) not in wanted:
        if time.monotonic() >= deadline:
            raise ComposeError('domain %s did not reach %s within %d s (it is %s)'
                               % (dom.name(), '/'.join(wanted), timeout, state_name(dom)))
        time.sleep(0.2)


def remove(module, conn, name, remove_storage):
    dom = lookup_domain(conn, name)
    result = {'changed': False, 'domain': {'name': name, 'uuid': None, 'state': 'absent'}, 'removed_volumes': []}
    if dom is None:
        return result
    xml = dom.XMLDesc(libvirt.VIR_DOMAIN_XML_INACTIVE)
    volumes = [(d['pool'], d['volume']) for d in builder.summary(xml)['disks']
               if d['pool'] and d['volume'] and d['volume'].startswith(name + '-disk')]
    result.update(changed=True, diff={'before': xml, 'after': ''})
    result['domain']['uuid'] = dom.UUIDString()
    if remove_storage:
        result['removed_volumes'] = ['%s/%s' % v for v in volumes]
    if module.check_mode:
        return result
    if dom.isActive():
        dom.destroy()
    flags = libvirt.VIR_DOMAIN_UNDEFINE_MANAGED_SAVE | libvirt.VIR_DOMAIN_UNDEFINE_SNAPSHOTS_METADATA | \
        libvirt.VIR_DOMAIN_UNDEFINE_NVRAM
    dom.undefineFlags(flags)
    if remove_storage:
        for pool_name, volume in volumes:
            try:
                conn.storagePoolLookupByName(pool_name).storageVolLookupByName(volume).delete(0)
            except libvirt.libvirtError as exc:
                module.warn('could not delete volume %s/%s: %s' % (pool_name, volume, error_message(exc)))
    return result


def power_address(params, conn):
    if params['power_address']:
        return params['power_address']
    if not is_local(params['uri']):
        return params['uri']
    return 'qemu+ssh://root@%s/system' % conn.getHostname()


def compose(module, conn, spec):
    params = module.params
    pools = check_references(conn, spec, params['uri'])
    domain_type = domain_type_for(spec.domain_type)
    with host_lock():
        dom = lookup_domain(conn, spec.name)
        before_xml = dom.XMLDesc(libvirt.VIR_DOMAIN_XML_INACTIVE) if dom is not None else None
        used_macs, used_taps = identities_in_use(conn, spec.name)
        identities = nic_identities(spec, before_xml, used_macs, used_taps)
        after_xml = builder.render(spec, identities, domain_type, before_xml)
        if before_xml is not None and params['recreate']:
            # a fresh definition: nothing of the old one carries over but MACs and tap names
            after_xml = builder.render(spec, identities, domain_type)
        changed_definition = before_xml is None or \
            builder.comparable(builder.summary(before_xml), spec) != builder.comparable(builder.summary(after_xml), spec)
        to_create = missing_volumes(pools, spec)
        changed = changed_definition or bool(to_create)
        if not module.check_mode:
            for disk in to_create:
                pools[disk.pool].createXML(volume_xml(disk), 0)
            if changed_definition:
                if dom is not None and params['recreate']:
                    if dom.isActive():
                        dom.destroy()
                    dom.undefine()
                dom = conn.defineXML(after_xml)
                after_xml = dom.XMLDesc(libvirt.VIR_DOMAIN_XML_INACTIVE)
    state = params['state']
    if dom is not None and not module.check_mode:
        if state == 'running' and not dom.isActive():
            dom.create()
            wait_for(dom, ('running',), params['start_timeout'])
            changed = True
        elif state == 'stopped' and dom.isActive():
            dom.destroy()
            wait_for(dom, ('shutoff',), params['start_timeout'])
            changed = True
    elif module.check_mode and ((state == 'running' and (dom is None or not dom.isActive()))
                                or (state == 'stopped' and dom is not None and dom.isActive())):
        changed = True
    running = dom is not None and dom.isActive()
    live_xml = dom.XMLDesc(0) if running else after_xml
    restart_required = False
    if running:
        # live targets and types differ by nature (libvirt names macvtaps, shows networks as bridges)
        live = builder.summary(live_xml)
        persistent = builder.summary(after_xml)
        strip = ('target', 'type')
        restart_required = any(
            dict((k, v) for k, v in a.items() if k not in strip) != dict((k, v) for k, v in b.items() if k not in strip)
            for a, b in zip(live['interfaces'], persistent['interfaces'])) or \
            len(live['interfaces']) != len(persistent['interfaces']) or \
            live['memory_mib'] != persistent['memory_mib'] or live['vcpus'] != persistent['vcpus']
    nics = []
    for nic, (mac, target) in zip(spec.nics, builder.interfaces_of(live_xml)):
        nics.append({'mac': mac, 'target': target, 'type': nic.type, 'source': nic.source, 'mode': nic.mode})
    boot = spec.boot_nic
    pxe_mac = nics[boot.index]['mac'] if boot is not None and nics else None
    result = {
        'changed': changed,
        'domain': {'name': spec.name, 'uuid': dom.UUIDString() if dom is not None else None,
                   'state': state_name(dom) if dom is not None else 'absent'},
        'xml': after_xml,
        'interfaces': nics,
        'pxe_mac': pxe_mac,
        'restart_required': restart_required,
        'maas': {'power_type': 'virsh',
                 'power_parameters': {'power_address': power_address(params, conn), 'power_id': spec.name},
                 'pxe_mac_address': pxe_mac},
        'created_volumes': ['%s/%s' % (d.pool, d.volume) for d in to_create],
    }
    if changed_definition or to_create:
        result['diff'] = {'before_header': '%s (persistent XML)' % spec.name, 'before': before_xml or '',
                          'after_header': '%s (persistent XML)' % spec.name, 'after': after_xml}
    return result


def main():
    module = AnsibleModule(
        argument_spec=dict(
            URI_ARGUMENT_SPEC,
            name=dict(type='str', required=True),
            state=dict(type='str', default='present', choices=['present', 'running', 'stopped', 'absent']),
            vcpus=dict(type='int', default=1),
            memory_mib=dict(type='int', default=1024),
            disks=dict(type='list', elements='dict', default=[], options=dict(
                size_gib=dict(type='float', required=True),
                pool=dict(type='str', default='default'),
                format=dict(type='str', default='qcow2', choices=['qcow2', 'raw']),
                bus=dict(type='str', default='virtio', choices=['virtio', 'scsi', 'sata', 'ide']),
            )),
            interfaces=dict(type='list', elements='dict', default=[], options=dict(
                type=dict(type='str', required=True, choices=['network', 'bridge', 'macvlan']),
                source=dict(type='str', required=True),
                mode=dict(type='str'),
                mac=dict(type='str'),
                model=dict(type='str', default='virtio', choices=['virtio', 'e1000', 'e1000e', 'rtl8139']),
                boot=dict(type='bool', default=False),
                label=dict(type='str'),
                ifname=dict(type='str'),
                vlan=dict(type='raw'),
                ip=dict(type='str'),
                ip_mode=dict(type='str'),
            )),
            boot=dict(type='list', elements='str', default=['network', 'hd'], choices=['network', 'hd']),
            domain_type=dict(type='str', default='auto', choices=['auto', 'kvm', 'qemu']),
            machine=dict(type='str'),
            firmware=dict(type='str', default='bios', choices=['bios', 'uefi']),
            tap_prefix=dict(type='str', default='kn'),
            recreate=dict(type='bool', default=False),
            remove_storage=dict(type='bool', default=False),
            start_timeout=dict(type='int', default=30),
            power_address=dict(type='str'),
        ),
        supports_check_mode=True,
    )
    require_libraries(module, 'libvirt-python', 'lxml')
    params = module.params
    try:
        spec = build_spec(dict(params, interfaces=_attachments(params['interfaces'])))
    except SpecError as exc:
        module.fail_json(msg=str(exc))
    conn = connect(module)
    try:
        if params['state'] == 'absent':
            result = remove(module, conn, spec.name, params['remove_storage'])
        else:
            result = compose(module, conn, spec)
    except (ComposeError, HostLockTimeout) as exc:
        module.fail_json(msg=str(exc))
    except libvirt.libvirtError as exc:
        module.fail_json(msg='libvirt refused the change for %s: %s' % (spec.name, error_message(exc)))
    finally:
        conn.close()
    module.exit_json(**result)


def _attachments(interfaces):
    """The NIC fields the spec uses (attachments from kvm_attachment_select carry informational ones)."""
    keys = ('type', 'source', 'mode', 'mac', 'model', 'boot')
    return [dict((k, nic[k]) for k in keys if nic.get(k) is not None) for nic in interfaces or []]


if __name__ == '__main__':
    main()
