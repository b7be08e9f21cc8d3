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
    support: none
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
  description: C(name), C(path), C(active), C(autostart) after the run.
  returned: always
  type: dict
'''

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.kvmnet.netboot.plugins.module_utils.libvirt.connection import error_message, libvirt
from ansible_collections.kvmnet.netboot.plugins.module_utils.libvirt.ansible_glue import (
    URI_ARGUMENT_SPEC, connect, require_libraries)
from ansible_collections.kvmnet.netboot.plugins.module_utils.common.xml_parsing import etree, parse_xml


def pool_xml(name, path):
    root = etree.Element('pool', type='dir')
    etree.SubElement(root, 'name').text = name
    target = etree.SubElement(root, 'target')
    etree.SubElement(target, 'path').text = path
    return etree.tostring(root, encoding='unicode')


def main():
    module = AnsibleModule(
        argument_spec=dict(
            URI_ARGUMENT_SPEC,
            name=dict(type='str', required=True),
            path=dict(type='path'),
            state=dict(type='str', default='active', choices=['active', 'absent']),
            autostart=dict(type='bool', default=True),
        ),
        supports_check_mode=True,
    )
    require_libraries(module, 'libvirt-python', 'lxml')
    params = module.params
    conn = connect(module)
    changed = False
    try:
        try:
            pool = conn.storagePoolLookupByName(params['name'])
        except libvirt.libvirtError:
            pool = None
        if params['state'] == 'absent':
            if pool is not None:
                changed = True
                if not module.check_mode:
                    if pool.isActive():
                        pool.destroy()
                    pool.undefine()
            module.exit_json(changed=changed, pool={'name': params['name'], 'active': False})
        if pool is None:
            if not params['path']:
                module.fail_json(msg='storage pool %s does not exist: give path to define it' % params['name'])
            changed = True
            if module.check_mode:
                module.exit_json(changed=True, pool={'name': params['name'], 'path': params['path'], 'active': True,
                                                     'autostart': params['autostart']})
            pool = conn.storagePoolDefineXML(pool_xml(params['name'], params['path']), 0)
            pool.build(0)
        path = parse_xml(pool.XMLDesc(0), 'pool').findtext('target/path')
        if params['path'] and path != params['path']:
            module.warn('storage pool %s already uses %s, not %s; left as it is'
                        % (params['name'], path, params['path']))
        if not pool.isActive():
            changed = True
            if not module.check_mode:
                pool.create(0)
        if bool(pool.autostart()) != params['autostart']:
            changed = True
            if not module.check_mode:
                pool.setAutostart(1 if params['autostart'] else 0)
        module.exit_json(changed=changed, pool={'name': params['name'], 'path': path, 'active': bool(pool.isActive()),
                                                'autostart': bool(pool.autostart())})
    except libvirt.libvirtError as exc:
        module.fail_json(msg='libvirt refused the change to storage pool %s: %s' % (params['name'], error_message(exc)))
    finally:
        conn.close()


if __name__ == '__main__':
    main()
