# -*- coding: utf-8 -*-
# Copyright: kvmnet.netboot contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Shell (imports Ansible): what every libvirt module of the collection does first: the ``uri`` option (doc fragment
``kvmnet.netboot.libvirt``), the Python libraries it needs, and the connection - each failing with a
message that says what to install or start."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible.module_utils.basic import missing_required_lib

from ansible_collections.kvmnet.netboot.plugins.module_utils.common import ip_math, xml_parsing
from ansible_collections.kvmnet.netboot.plugins.module_utils.libvirt import connection as libvirt_connection
from ansible_collections.kvmnet.netboot.plugins.module_utils.libvirt.executors import StepRefused
from ansible_collections.kvmnet.netboot.plugins.module_utils.libvirt.inventory import NotReady

URI_ARGUMENT_SPEC = dict(uri=dict(type='str', default='qemu:///system'))

_LIBRARIES = {
    'libvirt-python': lambda: (libvirt_connection.HAS_LIBVIRT, libvirt_connection.LIBVIRT_IMPORT_ERROR),
    'lxml': lambda: (xml_parsing.HAS_LXML, xml_parsing.LXML_IMPORT_ERROR),
    'netaddr': lambda: (ip_math.HAS_NETADDR, ip_math.NETADDR_IMPORT_ERROR),
}


def require_libraries(module, *names):
    """fail_json for the first of ``names`` (PyPI names) that cannot be imported on the target."""
    for name in names:
        present, error = _LIBRARIES[name]()
        if not present:
            module.fail_json(msg=missing_required_lib(name), exception=str(error))


def connect(module):
    """An open read-write connection to ``module.params['uri']``, or fail_json saying why."""
    try:
        return libvirt_connection.open_connection(module.params['uri'])
    except libvirt_connection.LibvirtConnectionError as exc:
        module.fail_json(msg=str(exc))


def run_with_connection(module, action, what, expected=()):
    """Connect, return ``action(module, conn)`` and close. libvirt's refusals, what is not there
    (libvirt.inventory.NotReady), a step that could not be carried out (libvirt.executors.StepRefused) and the
    ``expected`` core errors become fail_json naming ``what`` (for example ``network default``)."""
    expected = (NotReady, StepRefused) + (expected if isinstance(expected, tuple) else (expected,))
    conn = connect(module)
    try:
        return action(module, conn)
    except expected as exc:
        module.fail_json(msg='%s: %s' % (what, exc))
    except libvirt_connection.libvirt.libvirtError as exc:
        module.fail_json(msg='libvirt refused the change to %s: %s' % (what, libvirt_connection.error_message(exc)))
    finally:
        conn.close()
