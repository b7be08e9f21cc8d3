# -*- coding: utf-8 -*-
# Copyright: kvmnet.netboot contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""``network_readiness``: per libvirt network, can a VM on it reach the provisioner's DHCP (docs: .yml)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible.errors import AnsibleFilterError
from ansible.module_utils.common.text.converters import to_native

from ansible_collections.kvmnet.netboot.plugins.module_utils.policy.attachment import (
    HostView, SelectionError, network_readiness as readiness)
from ansible_collections.kvmnet.netboot.plugins.module_utils.common.ip_math import HAS_NETADDR
from ansible_collections.kvmnet.netboot.plugins.module_utils.policy.provisioner_model import ModelError, load_model


def network_readiness(facts, maas_model=None):
    if not HAS_NETADDR:
        raise AnsibleFilterError('network_readiness needs the netaddr Python library on the controller')
    try:
        return readiness(HostView(facts, load_model(maas_model or {})))
    except (ModelError, SelectionError) as exc:
        raise AnsibleFilterError('network_readiness: %s' % to_native(exc))


class FilterModule(object):

    def filters(self):
        return {'network_readiness': network_readiness}
