# -*- coding: utf-8 -*-
# Copyright: kvmnet.netboot contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""One record of what differs: ``changed`` and the diff come from it alone."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.kvmnet.netboot.plugins.module_utils.common.diff import DifferenceTracker


def test_changed_and_the_diff_agree():
    tracker = DifferenceTracker()
    tracker.add('memory', 512, 512)
    assert not tracker.changed and tracker.as_diff() == [] and tracker.differences() == []
    tracker.add('xml', None, '<domain/>')
    tracker.add('running', True, False)
    assert tracker.changed and tracker.differences() == ['xml', 'running']
    assert tracker.as_diff() == [
        {'before_header': 'xml', 'before': '', 'after_header': 'xml', 'after': '<domain/>'},
        {'before_header': 'running', 'before': 'true\n', 'after_header': 'running', 'after': 'false\n'}]


def test_every_value_is_text_for_the_callbacks():
    tracker = DifferenceTracker()
    tracker.add('vcpus', 1, 2)
    tracker.add('disks', [], [{'size_gib': 2}])
    for entry in tracker.as_diff():
        assert isinstance(entry['before'], str) and isinstance(entry['after'], str)


def test_after_gives_the_wanted_value():
    tracker = DifferenceTracker()
    tracker.add('autostart', False, True)
    assert tracker.after('autostart') is True and tracker.after('active', 'unknown') == 'unknown'
