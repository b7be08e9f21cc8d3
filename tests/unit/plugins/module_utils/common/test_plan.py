# -*- coding: utf-8 -*-
# Copyright: kvmnet.netboot contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The one plan shape: steps, a tracker, a prediction; ``changed`` is the tracker's, phases are step filters."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.kvmnet.netboot.plugins.module_utils.common.diff import DifferenceTracker
from ansible_collections.kvmnet.netboot.plugins.module_utils.common.plan import Plan


def test_a_plan_is_changed_only_by_its_tracker():
    tracker = DifferenceTracker()
    tracker.add('x', 1, 1)
    assert not Plan([('define', '<x/>')], tracker, {}).changed   # steps alone change nothing that was compared
    tracker.add('y', 1, 2)
    assert Plan([], tracker, {}).changed


def test_phases_keep_the_order_of_the_steps():
    plan = Plan([('create_volume', 1), ('define', 2), ('start', 3), ('create_volume', 4)], DifferenceTracker(), {})
    assert plan.only(('start', 'stop')) == [('start', 3)]
    assert plan.without(('start', 'stop')) == [('create_volume', 1), ('define', 2), ('create_volume', 4)]
