# -*- coding: utf-8 -*-
# Copyright: kvmnet.netboot contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""``attachment_order``: the DHCP-aware ranking of where a VM NIC can attach (docs: attachment_order.yml)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.kvmnet.netboot.plugins.module_utils.policy.attachment import HostView, rank_candidates
from ansible_collections.kvmnet.netboot.plugins.plugin_utils.policy_filter import policy_filter


def _attachment_order(facts, model, default_macvlan_mode='bridge'):
    """Candidates in preference order, each with ``eligible`` and a one-sentence ``reason``."""
    return rank_candidates(HostView(facts, model), default_macvlan_mode)


class FilterModule(object):

    def filters(self):
        return {'attachment_order': policy_filter('attachment_order', _attachment_order)}
