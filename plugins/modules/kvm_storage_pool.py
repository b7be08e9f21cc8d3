#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: kvmnet.netboot contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: kvm_storage_pool
short_description: A libvirt directory storage pool for VM disks
version_added: 0.1.0
description:
  - Defines, builds, starts and autostarts a directory (C(dir)) storage pool, or stops and undefines it.
    Used by the C(libvirt_host) role; M(kvmnet.netboot.kvm_vm_compose) creates its volumes in such a pool.
  - An existing pool with another target path is reported, not changed.
extends_documentation_fragment:
  - kvmnet.netboot.libvirt
  - ansible.builtin.action_common_attributes
options:
  name:
    description: Pool name.
    type: str
    required: true
  path:
    description: Target directory (created by the pool build when missing). Required to define a new pool.
    type: path
  state:
    description: C(active) - defined, built and running; C(absent) - stopped and undefined (volumes stay on disk).
    type: str
    choices: [active, absent]
    default: active
  autostart:
    description: Start the pool with libvirtd.
    type: bool
    default: true
attributes:
  check_mode:
    support: full
  diff_mode:
    support: full
    details: Whether the pool is defined, active and autostarted, before and after.
  platform:
    platforms: posix
author:
  - kvmnet.netboot maintainers (@kvmnet)
'''

EXAMPLES = r'''
- name: The default pool for VM disks
  kvmnet.netboot.kvm_storage_pool:
    name: default
    path: /var/lib/libvirt/images
'''

RETURN = r'''
pool:
  description: C(name), C(path), C(active), C(autostart) after the run (what they would be, in check
    mode); the same four keys for every state (C(path) null and the flags false once absent).
  returned: always
  type: dict
  sample: {name: default, path: /var/lib/libvirt/images, active: true, autostart: true}
'''


from ansible_collections.kvmnet.netboot.plugins.module_utils.common.ansible_glue import new_module, run_plan
from ansible_collections.kvmnet.netboot.plugins.module_utils.libvirt import inventory
from ansible_collections.kvmnet.netboot.plugins.module_utils.libvirt.ansible_glue import URI_ARGUMENT_SPEC, require_libraries, run_with_connection
from ansible_collections.kvmnet.netboot.plugins.module_utils.libvirt.connection import lookup_or_none
from ansible_collections.kvmnet.netboot.plugins.module_utils.libvirt.executors import PoolExecutor
from ansible_collections.kvmnet.netboot.plugins.module_utils.libvirt.pool_plan import (
    PoolSpecError, check_pool_request, missing_path, path_note, plan_pool)

ARGUMENT_SPEC = dict(
    URI_ARGUMENT_SPEC,
    name=dict(type='str', required=True),
    path=dict(type='path'),
    state=dict(type='str', default='active', choices=['active', 'absent']),
    autostart=dict(type='bool', default=True),
)


def run(module, conn):
    params = module.params
    pool = lookup_or_none(conn.storagePoolLookupByName, params['name'])
    found = inventory.pool_found(pool)
    problem = missing_path(params['name'], found, params['state'], params['path'])
    if problem:
        module.fail_json(msg=problem)
    note = path_note(params['name'], found, params['path'])
    if note:
        module.warn(note)
    plan = plan_pool(params['name'], found, params['state'], params['path'], params['autostart'])
    return run_plan(module, plan, PoolExecutor(module, conn, pool))


def main():
    module = new_module(ARGUMENT_SPEC, supports_check_mode=True)
    require_libraries(module, 'libvirt-python', 'lxml')
    try:
        check_pool_request(module.params['name'], module.params['path'])
    except PoolSpecError as exc:
        module.fail_json(msg=str(exc))
    module.exit_json(**run_with_connection(module, run, 'storage pool %s' % module.params['name']))


if __name__ == '__main__':
    main()
