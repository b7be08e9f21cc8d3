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
        description:
          - C(network) (a libvirt network), C(bridge) (a host bridge), C(macvlan) (macvtap on a host
            device, C(<interface type='direct'>)) or C(routed).
          - C(routed) is Ganeti's routed NIC - a named tap (C(<interface type='ethernet'>)) with no bridge;
            the host routes O(interfaces[].ips) to it and answers ARP/NDP for them. The routes are added by
            the role C(kvmnet.netboot.libvirt_nic_hooks), which must be installed on the host. On an
            incoming migration or restore they come up only when the guest resumes.
        type: str
        required: true
        choices: [network, bridge, macvlan, routed]
      source:
        description: The network, bridge or parent device name. Required for every type but C(routed).
        type: str
      ips:
        description:
          - C(routed) only, required there - the addresses the host routes to the NIC's tap (IPv4 and
            IPv6, each written in full, without a prefix length).
          - Unicast addresses of global scope only - never unspecified (C(0.0.0.0), C(::)), loopback,
            link-local, multicast or broadcast. The NIC hook on the host also refuses an address outside its
            C(libvirt_nic_hooks_routed_prefixes), one the host holds or one another VM claims (see
            docs/security.md).
          - Kept in the domain's metadata (namespace C(https://github.com/kvmnet/netboot/routed-nic)), where
            the NIC hooks read them.
        type: list
        elements: str
      table:
        description:
          - C(routed) only, required there - the routing table (a number) for the NIC's host routes, with
            C(ip rule)s that send the tap's traffic, and the host's traffic to the NIC's addresses, to that
            table.
          - Never 0, 253, 254 or 255 (the kernel's unspec, default, main and local tables); the NIC hook on the
            host routes only in the tables of its C(libvirt_nic_hooks_routed_tables).
        type: int
      mode:
        description:
          - Macvlan mode - C(bridge), C(private), C(vepa) or C(passthru); C(bridge) when not given.
          - These are MAAS's words; C(passthru) is written as libvirt's C(passthrough) in the domain XML.
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
      Refused with O(state=absent).
    type: bool
    default: false
  remove_storage:
    description: With O(state=absent), also delete the VM's volumes (those named after it). Refused with other
      states, where it would do nothing.
    type: bool
    default: false
  start_timeout:
    description: Seconds to wait for the domain to reach C(running) (or C(shut off)).
    type: int
    default: 30
  power_address:
    description:
      - C(power_address) reported for MAAS's virsh power driver.
      - Default - C(qemu+ssh://<power_user>@<host>/system), the host being that of O(uri) when it is remote, else
        O(power_address_host).
    type: str
  power_user:
    description:
      - The user MAAS's virsh driver logs in as, for the default O(power_address) - the one the role
        C(kvmnet.netboot.maas_power_access) makes, which may only read the state of, start and stop the domains
        granted to it (M(kvmnet.netboot.kvm_power_grant)). Never root by default.
    type: str
    default: kvmnet-power
  power_address_host:
    description:
      - The address MAAS reaches this host at, for the default O(power_address).
      - Default - the host's management address (the one the default route leaves from), as MAAS must be able to
        reach it; the libvirt host name only when the host has no management address.
    type: str
attributes:
  check_mode:
    support: full
    details: Nothing is defined, created, started or stopped, and the host lock file is not touched; the
      result says what would change.
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
  description: Per NIC - C(mac), C(target) (tap or macvtap device), C(type), C(source), C(mode), C(ips) and
    C(table) (a routed NIC's addresses and routing table; empty and null for the other types).
  returned: unless state is absent
  type: list
  elements: dict
  sample: [{mac: "52:54:00:1c:9a:03", target: knq3x9a1n0, type: bridge, source: br-enp1s0, mode: null, ips: [],
            table: null}]
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
    C(power_parameters) (C(power_address), C(power_id) - the domain's UUID, which a rename keeps and the power
    user's grant names; null in check mode for a VM not defined yet) and C(pxe_mac_address).
  returned: unless state is absent
  type: dict
  sample: {power_type: virsh, power_parameters: {power_address: "qemu+ssh://kvmnet-power@198.51.100.10/system",
                                                 power_id: 6695eb01-f6a4-8304-79aa-97f2502e193f},
           pxe_mac_address: "52:54:00:1c:9a:03"}
created_volumes:
  description: The volumes created for the VM's disks, as C(pool/volume) (that would be, in check mode).
  returned: unless state is absent
  type: list
  elements: str
  sample: [default/node01-disk0.qcow2]
removed_volumes:
  description: The VM's volumes deleted with O(remove_storage=true), as C(pool/volume).
  returned: when state is absent
  type: list
  elements: str
  sample: [default/node01-disk0.qcow2]
'''

import contextlib
import json
import os

from ansible_collections.kvmnet.netboot.plugins.module_utils.common.ansible_glue import new_module, run_plan
from ansible_collections.kvmnet.netboot.plugins.module_utils.host import gather
from ansible_collections.kvmnet.netboot.plugins.module_utils.host.ansible_glue import host_commands
from ansible_collections.kvmnet.netboot.plugins.module_utils.host.lock import HostLockTimeout, host_lock
from ansible_collections.kvmnet.netboot.plugins.module_utils.libvirt import domain_render, inventory
from ansible_collections.kvmnet.netboot.plugins.module_utils.libvirt.ansible_glue import URI_ARGUMENT_SPEC, require_libraries, run_with_connection
from ansible_collections.kvmnet.netboot.plugins.module_utils.libvirt.connection import libvirt, lookup_or_none
from ansible_collections.kvmnet.netboot.plugins.module_utils.libvirt.executors import DomainExecutor
from ansible_collections.kvmnet.netboot.plugins.module_utils.libvirt.uri import is_local_uri
from ansible_collections.kvmnet.netboot.plugins.module_utils.maas.power import (
    power_address, power_details, power_host_problem, power_user_problem)
from ansible_collections.kvmnet.netboot.plugins.module_utils.nic_hooks.installation import HOOK_PATH, SETTINGS_PATH, routed_nic_warnings
from ansible_collections.kvmnet.netboot.plugins.module_utils.vm.compose_plan import POWER_ACTIONS, STATES, compose_outcome, plan_compose, plan_removal
from ansible_collections.kvmnet.netboot.plugins.module_utils.vm.identity import IdentityConflict, nic_identities
from ansible_collections.kvmnet.netboot.plugins.module_utils.vm.spec import (
    BOOT_DEVICES, DISK_BUSES, DISK_FORMATS, INTERFACE_TYPES, NIC_MODELS, SpecError, build_spec, nic_fields)

ARGUMENT_SPEC = dict(
    URI_ARGUMENT_SPEC,
    name=dict(type='str', required=True),
    state=dict(type='str', default='present', choices=list(STATES)),
    vcpus=dict(type='int', default=1),
    memory_mib=dict(type='int', default=1024),
    disks=dict(type='list', elements='dict', default=[], options=dict(
        size_gib=dict(type='float', required=True),
        pool=dict(type='str', default='default'),
        format=dict(type='str', default='qcow2', choices=list(DISK_FORMATS)),
        bus=dict(type='str', default='virtio', choices=list(DISK_BUSES)),
    )),
    interfaces=dict(type='list', elements='dict', default=[], options=dict(
        type=dict(type='str', required=True, choices=list(INTERFACE_TYPES)),
        source=dict(type='str'),
        ips=dict(type='list', elements='str'),
        table=dict(type='int'),
        mode=dict(type='str'),
        mac=dict(type='str'),
        model=dict(type='str', default='virtio', choices=list(NIC_MODELS)),
        boot=dict(type='bool', default=False),
        label=dict(type='str'),
        ifname=dict(type='str'),
        vlan=dict(type='raw'),
        ip=dict(type='str'),
        ip_mode=dict(type='str'),
    )),
    boot=dict(type='list', elements='str', default=list(BOOT_DEVICES), choices=list(BOOT_DEVICES)),
    domain_type=dict(type='str', default='auto', choices=['auto', 'kvm', 'qemu']),
    machine=dict(type='str'),
    firmware=dict(type='str', default='bios', choices=['bios', 'uefi']),
    tap_prefix=dict(type='str', default='kn'),
    recreate=dict(type='bool', default=False),
    remove_storage=dict(type='bool', default=False),
    start_timeout=dict(type='int', default=30),
    power_address=dict(type='str'),
    power_user=dict(type='str', default='kvmnet-power'),
    power_address_host=dict(type='str'),
)


def domain_type_for(requested):
    if requested != 'auto':
        return requested
    return 'kvm' if os.access('/dev/kvm', os.R_OK | os.W_OK) else 'qemu'


def remove(module, conn, spec):
    dom = lookup_or_none(conn.lookupByName, spec.name)
    plan = plan_removal(spec.name, inventory.domain_found(dom), module.params['remove_storage'],
                        dom.UUIDString() if dom else None)
    return run_plan(module, plan, DomainExecutor(module, conn, dom))


def power_host(module, conn):
    """The address MAAS reaches this host at: power_address_host, else the management address, else the host
    name (with a warning: MAAS must resolve it)."""
    host = module.params['power_address_host']
    commands = host_commands(module) if not host else None
    if commands is not None:
        try:
            host = (gather.collect_links(commands).get('management') or {}).get('address')
        except gather.FactsGatherError:
            host = None
    if not host:
        host = conn.getHostname()
        module.warn('no management address found: power_address uses the host name %s, which MAAS must resolve; '
                    'give power_address_host' % host)
    return host


def plan_under_lock(module, conn, spec, pools):
    """Read the domain and what the host uses, allocate identities and plan; define (not in check mode).
    -> (executor, plan): the executor holds the domain."""
    dom = lookup_or_none(conn.lookupByName, spec.name)
    found = inventory.domain_found(dom)
    used_macs, used_taps = inventory.identities_in_use(conn, spec.name)
    existing = domain_render.interfaces_of(found.xml) if found else []
    try:
        identities = nic_identities(spec, existing, used_macs, used_taps)
    except IdentityConflict as exc:
        raise inventory.NotReady(str(exc))
    plan = plan_compose(spec, found, identities, domain_type_for(spec.domain_type),
                        inventory.missing_disks(pools, spec), module.params['state'], module.params['recreate'])
    executor = DomainExecutor(module, conn, dom, pools, module.params['start_timeout'])
    run_plan(module, plan, executor, plan.without(POWER_ACTIONS))
    return executor, plan


def compose(module, conn, spec):
    inventory.check_nic_sources(conn, spec, module.params['uri'])
    pools = inventory.active_pools(conn, spec)
    # Check mode allocates nothing for real, so it takes no lock (the lock file is a write).
    with (contextlib.nullcontext() if module.check_mode else host_lock()):
        executor, plan = plan_under_lock(module, conn, spec, pools)
    result = run_plan(module, plan, executor, plan.only(POWER_ACTIONS))
    dom = executor.target
    running_now = dom is not None and bool(dom.isActive())
    if module.check_mode:
        xml, running = plan.predicted['xml'], plan.tracker.after('running')
    else:
        xml, running = dom.XMLDesc(libvirt.VIR_DOMAIN_XML_INACTIVE), running_now
    address = power_address(module.params['power_address'], module.params['uri'],
                            None if module.params['power_address'] or not is_local_uri(module.params['uri'])
                            else power_host(module, conn), module.params['power_user'])
    domain = {'name': spec.name, 'uuid': dom.UUIDString() if dom is not None else None,
              'state': inventory.domain_state(dom)}
    result.update(compose_outcome(spec, xml, dom.XMLDesc(0) if running and running_now else xml, domain,
                                  (running, running_now), lambda pxe_mac: power_details(pxe_mac, address, domain['uuid'])))
    return result


def check_option_combinations(module):
    params = module.params
    if params['remove_storage'] and params['state'] != 'absent':
        module.fail_json(msg='remove_storage only applies to state absent (state is %s); drop it' % params['state'])
    if params['recreate'] and params['state'] == 'absent':
        module.fail_json(msg='recreate does not apply to state absent; drop it')
    problem = power_user_problem(params['power_user']) or (
        power_host_problem(params['power_address_host']) if params['power_address_host'] else None)
    if problem:
        module.fail_json(msg=problem)


def warn_about_routed_nics(module, spec):
    """A routed NIC on this host without the NIC hooks, or that their settings refuse, gets no route: say so."""
    routed = [nic for nic in spec.nics if nic.type == 'routed']
    if not routed or not is_local_uri(module.params['uri']):
        return
    try:
        with open(SETTINGS_PATH) as handle:
            settings = json.load(handle)
    except (IOError, OSError, ValueError):
        settings = None
    for warning in routed_nic_warnings(spec.name, routed, os.path.exists(HOOK_PATH), settings):
        module.warn(warning)


def main():
    module = new_module(ARGUMENT_SPEC, supports_check_mode=True)
    require_libraries(module, 'libvirt-python', 'lxml')
    check_option_combinations(module)
    if any(nic.get('type') == 'routed' for nic in module.params['interfaces']):
        require_libraries(module, 'netaddr')
    try:
        spec = build_spec(dict(module.params, interfaces=nic_fields(module.params['interfaces'])))
    except SpecError as exc:
        module.fail_json(msg=str(exc))
    if module.params['state'] != 'absent':
        warn_about_routed_nics(module, spec)
    action = remove if module.params['state'] == 'absent' else compose
    result = run_with_connection(module, lambda mod, conn: action(mod, conn, spec), 'VM %s' % spec.name,
                                 (HostLockTimeout,))
    module.exit_json(**result)


if __name__ == '__main__':
    main()
