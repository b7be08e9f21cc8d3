#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: kvmnet.netboot contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: kvm_power_grant
short_description: Let MAAS's power user start, stop and read the state of chosen libvirt domains - nothing else
version_added: 0.2.0
description:
  - Writes the polkit rules that libvirt's polkit access driver (C(access_drivers = [ "polkit" ]), set by the
    role C(kvmnet.netboot.maas_power_access)) applies to MAAS's power user - one file per rule in O(rules_dir),
    which polkitd reads again when they change.
  - The user may use libvirt's socket, connect to QEMU and list the domains it may read; on each granted domain,
    by UUID, read its state (C(domain.getattr), C(domain.read)), start and stop it. Starting and stopping a domain
    with a NIC on a libvirt network also asks the network driver, in the caller's name, to look the network up
    and create, read, find and delete the NIC's port - allowed on the networks the granted domain uses when it is
    granted (run the grant again after moving its NICs to another network). Every other libvirt action of the
    user is denied, reads of other domains and of networks included. Members of the C(libvirt) group keep every libvirt
    action (the access driver denies non-root writes by default); root keeps everything.
  - These are the calls MAAS's virsh power driver makes - C(domstate), then C(start) or C(destroy).
  - Grants carry a O(tag), so that the role's own list (tag C(role), O(exclusive)) and the VMs that
    C(compose_vm.yml) grants one by one (tag C(vm)) never revoke each other's.
extends_documentation_fragment:
  - kvmnet.netboot.libvirt
  - ansible.builtin.action_common_attributes
options:
  user:
    description: MAAS's power user on this host (a system user; never C(root)).
    type: str
    default: kvmnet-power
  domains:
    description:
      - Domains by name or UUID. A name is looked up in libvirt (the grant is by its UUID, which survives a
        rename); a UUID may name a domain not defined yet.
      - With O(state=absent) and no domains, every rule of O(user) is removed (the C(libvirt) group's rule stays;
        the role removes it with the access driver).
    type: list
    elements: str
    default: []
  tag:
    description: The grants' group - 1-16 lower-case letters and digits.
    type: str
    default: vm
  exclusive:
    description: With O(state=present), the user's grants of O(tag) are exactly O(domains); the others are revoked.
    type: bool
    default: false
  state:
    description: C(present) grants O(domains); C(absent) revokes them.
    type: str
    choices: [present, absent]
    default: present
  rules_dir:
    description: polkit's rules directory.
    type: path
    default: /etc/polkit-1/rules.d
attributes:
  check_mode:
    support: full
  diff_mode:
    support: full
    details: Each rule file written or removed, before and after.
  platform:
    platforms: posix
notes:
  - Without libvirt's polkit access driver on (role C(kvmnet.netboot.maas_power_access)), libvirt ignores these
    rules but C(org.libvirt.unix.manage) - the user could then do anything on the host's libvirt.
seealso:
  - module: kvmnet.netboot.kvm_vm_compose
  - module: kvmnet.netboot.maas_machine
author:
  - kvmnet.netboot maintainers (@kvmnet)
'''

EXAMPLES = r'''
- name: MAAS may power node01 (and only what was granted)
  kvmnet.netboot.kvm_power_grant:
    domains: [node01]

- name: The role's list, exactly
  kvmnet.netboot.kvm_power_grant:
    domains: [node01, 6695eb01-f6a4-8304-79aa-97f2502e193f]
    tag: role
    exclusive: true

- name: Revoke a deleted VM by its UUID
  kvmnet.netboot.kvm_power_grant:
    domains: [6695eb01-f6a4-8304-79aa-97f2502e193f]
    state: absent
'''

RETURN = r'''
grants:
  description: The user's grants after the run (what they would be, in check mode) - C(uuid), C(tag), C(file).
  returned: always
  type: list
  elements: dict
  sample: [{uuid: 6695eb01-f6a4-8304-79aa-97f2502e193f, tag: vm, file: 59-kvmnet-power-kvmnet-power-vm-6695eb01-f6a4-8304-79aa-97f2502e193f.rules}]
domains:
  description: Each domain asked for, with the UUID it was granted or revoked by, and the libvirt networks whose
    ports it may create and delete.
  returned: always
  type: list
  elements: dict
  sample: [{domain: node01, uuid: 6695eb01-f6a4-8304-79aa-97f2502e193f, name: node01, networks: [maas]}]
files:
  description: The names of the user's rule files in O(rules_dir) after the run.
  returned: always
  type: list
  elements: str
'''

import os
import pwd

from ansible_collections.kvmnet.netboot.plugins.module_utils.common.ansible_glue import new_module, run_plan
from ansible_collections.kvmnet.netboot.plugins.module_utils.libvirt import polkit_rules as rules
from ansible_collections.kvmnet.netboot.plugins.module_utils.libvirt.ansible_glue import (
    URI_ARGUMENT_SPEC, require_libraries, run_with_connection)
from ansible_collections.kvmnet.netboot.plugins.module_utils.libvirt.connection import libvirt, lookup_or_none
from ansible_collections.kvmnet.netboot.plugins.module_utils.libvirt.domain_xml import parse_domain_xml
from ansible_collections.kvmnet.netboot.plugins.module_utils.libvirt.executors import PowerGrantExecutor
from ansible_collections.kvmnet.netboot.plugins.module_utils.libvirt.power_grant_plan import plan_grants, user_files

ARGUMENT_SPEC = dict(
    URI_ARGUMENT_SPEC,
    user=dict(type='str', default='kvmnet-power'),
    domains=dict(type='list', elements='str', default=[]),
    tag=dict(type='str', default='vm'),
    exclusive=dict(type='bool', default=False),
    state=dict(type='str', default='present', choices=['present', 'absent']),
    rules_dir=dict(type='path', default='/etc/polkit-1/rules.d'),
)


def read_rules(rules_dir, user):
    """{file name: content} of ``user``'s rule files."""
    found = {}
    try:
        names = os.listdir(rules_dir) if os.path.isdir(rules_dir) else []
        for name in user_files(user, names):
            with open(os.path.join(rules_dir, name)) as handle:
                found[name] = handle.read()
    except (OSError, UnicodeDecodeError) as exc:
        raise rules.RuleError('could not read the polkit rules in %s: %s' % (rules_dir, exc))
    return found


def networks_of(dom):
    """The libvirt networks the domain's NICs use (its persistent definition and, while it runs, its live one)."""
    xmls = [dom.XMLDesc(libvirt.VIR_DOMAIN_XML_INACTIVE)] + ([dom.XMLDesc(0)] if dom.isActive() else [])
    return sorted(set(nic['network'] for xml in xmls for nic in parse_domain_xml(xml)['interfaces'] if nic['network']))


def resolve(conn, user, domain, state, found):
    """(uuid, name, networks) of one domain asked for; raises rules.RuleError when it cannot be."""
    if rules.UUID_RE.match(domain.strip().lower()):
        dom = lookup_or_none(conn.lookupByUUIDString, domain.strip().lower())
        if dom is None:
            return rules.check_uuid(domain), None, []
        return rules.check_uuid(domain), dom.name(), networks_of(dom)
    dom = lookup_or_none(conn.lookupByName, domain)
    if dom is not None:
        return dom.UUIDString(), domain, networks_of(dom)
    if state == 'absent':  # a domain deleted since: its grant recorded the name
        for name, text in sorted(found.items()):
            parsed = rules.parse_grant_file(user, name)
            if parsed and rules.granted_name(text) == domain:
                return parsed[1], domain, []
        return None, domain, []
    raise rules.RuleError('domain %s does not exist in libvirt: define it first, or give its UUID' % domain)


def run(module, conn):
    params = module.params
    found = read_rules(params['rules_dir'], params['user'])
    resolved = []
    for domain in params['domains']:
        uuid, name, networks = resolve(conn, params['user'], domain, params['state'], found)
        resolved.append({'domain': domain, 'uuid': uuid, 'name': name, 'networks': networks})
    grants = dict((r['uuid'], rules.grant(r['name'], r['networks'])) for r in resolved if r['uuid'])
    plan = plan_grants(params['user'], params['state'], grants, params['tag'], params['exclusive'], found)
    result = run_plan(module, plan, PowerGrantExecutor(module, params['rules_dir']))
    result['domains'] = resolved
    return result


def check_params(module):
    params = module.params
    try:
        rules.check_user(params['user'])
        rules.check_tag(params['tag'])
    except rules.RuleError as exc:
        module.fail_json(msg=str(exc))
    if not os.path.isabs(params['rules_dir']):
        module.fail_json(msg='rules_dir %r must be an absolute path (polkit reads /etc/polkit-1/rules.d)'
                         % params['rules_dir'])
    bad = [d for d in params['domains'] if rules.domain_reference_problem(d)]
    if bad:
        module.fail_json(msg='domains: %s' % rules.domain_reference_problem(bad[0]))
    if params['state'] == 'present':
        try:
            pwd.getpwnam(params['user'])
        except KeyError:
            module.warn('user %s does not exist on this host: the role kvmnet.netboot.maas_power_access makes it'
                        % params['user'])


def main():
    module = new_module(ARGUMENT_SPEC, supports_check_mode=True)
    require_libraries(module, 'libvirt-python')
    check_params(module)
    module.exit_json(**run_with_connection(module, run, 'the power grants of %s' % module.params['user'],
                                           rules.RuleError))


if __name__ == '__main__':
    main()
