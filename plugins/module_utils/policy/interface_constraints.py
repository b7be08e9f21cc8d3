# -*- coding: utf-8 -*-
# Copyright: kvmnet.netboot contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""MAAS-style interface constraints: ``eth0:space=pxe;eth1:subnet=198.51.100.0/24,ip=198.51.100.20``.

Grammar: ``label:key=value[,key=value...][;label:...]``, or the same as a list of dicts
(``[{label: eth0, space: pxe}, {label: eth1, subnet: [a, b]}]``). The same key repeated means OR,
different keys mean AND. Every error is a ConstraintError with a message that names the problem.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re
from collections import namedtuple

from ansible_collections.kvmnet.netboot.plugins.module_utils.common.names import MAX_IFNAME

LABEL_RE = re.compile(r'[a-zA-Z0-9][a-zA-Z0-9_-]*\Z')
MATCH_KEYS = ('space', 'subnet', 'vlan', 'vid', 'fabric', 'name', 'tag')
KEYS = MATCH_KEYS + tuple('not_' + k for k in MATCH_KEYS) + ('ip', 'mode')
INT_KEYS = ('vlan', 'vid', 'not_vlan', 'not_vid')
SINGLE_KEYS = ('ip', 'mode')
MODES = ('unconfigured',)


class ConstraintError(ValueError):
    """The interfaces constraint is malformed; the message says where and how."""


class LabelConstraint(namedtuple('LabelConstraint', 'label ifname match ip mode position')):
    """One label's constraints: ``match`` maps a key to the list of accepted (or refused) values."""

    __slots__ = ()

    def to_dict(self):
        return {'label': self.label, 'ifname': self.ifname, 'match': dict(self.match), 'ip': self.ip,
                'mode': self.mode}


def _ifname(label):
    if label.isdigit():
        return 'eth%d' % int(label)
    return label


def _value(label, key, raw):
    if not isinstance(raw, (str, int)) or isinstance(raw, bool):
        raise ConstraintError('label %s: value of %s must be text or a number, got %s'
                              % (label, key, type(raw).__name__))
    text = str(raw).strip()
    if not text:
        raise ConstraintError('label %s: %s has an empty value' % (label, key))
    if key in INT_KEYS:
        if not (text.isascii() and text.isdigit()):  # a superscript digit is a digit to Python, not a number
            raise ConstraintError('label %s: %s must be a whole number, got %r' % (label, key, text))
        number = int(text)
        if key in ('vid', 'not_vid') and number > 4094:
            raise ConstraintError('label %s: %s must be 0-4094, got %s' % (label, key, number))
        return number
    if key == 'mode' and text not in MODES:
        raise ConstraintError('label %s: mode must be one of %s, got %r' % (label, ', '.join(MODES), text))
    return text


def _build(label, pairs, position, seen_labels, seen_ifnames):
    if not isinstance(label, str) or not LABEL_RE.match(label):
        raise ConstraintError('label %r is not valid: use letters, digits, "_" and "-", starting with a letter '
                              'or digit' % (label,))
    if label in seen_labels:
        raise ConstraintError('label %s appears more than once' % label)
    ifname = _ifname(label)
    if len(ifname) > MAX_IFNAME:
        raise ConstraintError('label %s: interface name %s is longer than %d characters' % (label, ifname, MAX_IFNAME))
    if ifname in seen_ifnames:
        raise ConstraintError('labels %s and %s both name interface %s' % (seen_ifnames[ifname], label, ifname))
    seen_labels.add(label)
    seen_ifnames[ifname] = label
    if not pairs:
        raise ConstraintError('label %s has no constraints: write %s:key=value' % (label, label))
    match, single = {}, {}
    for key, raw in pairs:
        if key not in KEYS:
            raise ConstraintError('label %s: unknown key %r; known keys: %s' % (label, key, ', '.join(KEYS)))
        value = _value(label, key, raw)
        if key in SINGLE_KEYS:
            if key in single:
                raise ConstraintError('label %s: %s may be given only once' % (label, key))
            single[key] = value
        else:
            match.setdefault(key, [])
            if value not in match[key]:
                match[key].append(value)
    if 'ip' in single and single.get('mode') == 'unconfigured':
        raise ConstraintError('label %s: ip= and mode=unconfigured contradict each other' % label)
    return LabelConstraint(label, ifname, match, single.get('ip'), single.get('mode'), position)


def _parse_text(text):
    labels, seen_labels, seen_ifnames = [], set(), {}
    for position, part in enumerate(text.split(';')):
        part = part.strip()
        if not part:
            raise ConstraintError('empty label section at position %d: remove the extra ";"' % (position + 1))
        label, sep, body = part.partition(':')
        if not sep:
            raise ConstraintError('section %r has no ":": write label:key=value' % part)
        pairs = []
        for item in body.split(','):
            item = item.strip()
            if not item:
                raise ConstraintError('label %s: empty constraint: remove the extra ","' % label.strip())
            key, eq, value = item.partition('=')
            if not eq:
                raise ConstraintError('label %s: %r is not key=value' % (label.strip(), item))
            pairs.append((key.strip(), value))
        labels.append(_build(label.strip(), pairs, position, seen_labels, seen_ifnames))
    return labels


def _parse_list(items):
    labels, seen_labels, seen_ifnames = [], set(), {}
    for position, item in enumerate(items):
        if not isinstance(item, dict):
            raise ConstraintError('interfaces[%d] must be a dict with a label, got %s' % (position, type(item).__name__))
        if 'label' not in item:
            raise ConstraintError('interfaces[%d] has no label' % position)
        label = item['label']
        label = str(label) if isinstance(label, int) and not isinstance(label, bool) else label
        pairs = []
        for key in sorted(k for k in item if k != 'label'):
            values = item[key]
            for value in (values if isinstance(values, list) else [values]):
                pairs.append((key, value))
        labels.append(_build(label, pairs, position, seen_labels, seen_ifnames))
    return labels


def parse_constraints(spec):
    """A list of LabelConstraint, in the order given (the first is the boot NIC). Empty for no spec."""
    if spec is None:
        return []
    if isinstance(spec, str):
        if not spec.strip():
            return []
        return _parse_text(spec.strip())
    if isinstance(spec, list):
        return _parse_list(spec)
    raise ConstraintError('interfaces must be a constraint string or a list of dicts, got %s' % type(spec).__name__)
