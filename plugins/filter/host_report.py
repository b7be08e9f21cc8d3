# -*- coding: utf-8 -*-
# Copyright: kvmnet.netboot contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""``host_diagram`` (Graphviz DOT) and ``host_report`` (Markdown) of a host's PXE picture."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.kvmnet.netboot.plugins.module_utils.report.host_report import diagram_dot, report_markdown
from ansible_collections.kvmnet.netboot.plugins.plugin_utils.policy_filter import policy_filter


class FilterModule(object):

    def filters(self):
        return {'host_diagram': policy_filter('host_diagram', diagram_dot),
                'host_report': policy_filter('host_report', report_markdown)}
