# -*- coding: utf-8 -*-
# Copyright: kvmnet.netboot contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""``network_readiness``: per libvirt network, can a VM on it reach the provisioner's DHCP (docs: .yml)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.kvmnet.netboot.plugins.module_utils.policy.attachment import HostView, network_readiness
from ansible_collections.kvmnet.netboot.plugins.plugin_utils.policy_filter import policy_filter


def _network_readiness(facts, model):
    return network_readiness(HostView(facts, model))


class FilterModule(object):

    def filters(self):
        return {'network_readiness': policy_filter('network_readiness', _network_readiness)}
