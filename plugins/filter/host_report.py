# -*- coding: utf-8 -*-
# Copyright: kvmnet.netboot contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""``host_diagram`` (Graphviz DOT) and ``host_report`` (Markdown) of a host's PXE picture."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible.errors import AnsibleFilterError
from ansible.module_utils.common.text.converters import to_native

from ansible_collections.kvmnet.netboot.plugins.module_utils.policy.attachment import SelectionError
from ansible_collections.kvmnet.netboot.plugins.module_utils.report.host_report import diagram_dot, report_markdown
from ansible_collections.kvmnet.netboot.plugins.module_utils.common.ip_math import HAS_NETADDR
from ansible_collections.kvmnet.netboot.plugins.module_utils.policy.provisioner_model import ModelError, load_model


def _model(maas_model, name):
    if not HAS_NETADDR:
        raise AnsibleFilterError('%s needs the netaddr Python library on the controller' % name)
    try:
        return load_model(maas_model or {})
    except ModelError as exc:
        raise AnsibleFilterError('%s: %s' % (name, to_native(exc)))


def host_diagram(facts, maas_model=None, host='host'):
    try:
        return diagram_dot(facts, _model(maas_model, 'host_diagram'), host)
    except SelectionError as exc:
        raise AnsibleFilterError('host_diagram: %s' % to_native(exc))


def host_report(facts, maas_model=None, host='host', diagram_file=None):
    try:
        return report_markdown(facts, _model(maas_model, 'host_report'), host, diagram_file)
    except SelectionError as exc:
        raise AnsibleFilterError('host_report: %s' % to_native(exc))


class FilterModule(object):

    def filters(self):
        return {'host_diagram': host_diagram, 'host_report': host_report}
