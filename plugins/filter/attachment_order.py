# -*- coding: utf-8 -*-
# Copyright: kvmnet.netboot contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""``attachment_order``: the DHCP-aware ranking of where a VM NIC can attach (docs: attachment_order.yml)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible.errors import AnsibleFilterError
from ansible.module_utils.common.text.converters import to_native

from ansible_collections.kvmnet.netboot.plugins.module_utils.policy.attachment import (
    HostView, SelectionError, rank_candidates)
from ansible_collections.kvmnet.netboot.plugins.module_utils.common.ip_math import HAS_NETADDR
from ansible_collections.kvmnet.netboot.plugins.module_utils.policy.provisioner_model import ModelError, load_model


def attachment_order(facts, maas_model, default_macvlan_mode='bridge'):
    """Candidates in preference order, each with ``eligible`` and a one-sentence ``reason``."""
    if not HAS_NETADDR:
        raise AnsibleFilterError('attachment_order needs the netaddr Python library on the controller')
    try:
        model = load_model(maas_model)
        return rank_candidates(HostView(facts, model), default_macvlan_mode)
    except (ModelError, SelectionError) as exc:
        raise AnsibleFilterError('attachment_order: %s' % to_native(exc))


class FilterModule(object):

    def filters(self):
        return {'attachment_order': attachment_order}
