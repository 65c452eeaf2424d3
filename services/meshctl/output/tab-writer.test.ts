import { describe, expect, it } from 'vitest';
import { DESCRIBE_LAYOUT, TABLE_LAYOUT, TabWriter, tabbed } from './tab-writer.js';

describe('TabWriter (Go text/tabwriter semantics)', () => {
  it('pads columns to the widest cell plus padding, with kubectl get\'s minimum width', () => {
    expect(tabbed('NAME\tSTATUS\tAGE\ndefault\tActive\t2m\nkube-system\tActive\t2m\n', TABLE_LAYOUT)).toBe(
      ['NAME          STATUS   AGE', 'default       Active   2m', 'kube-system   Active   2m', ''].join('\n'),
    );
    // minwidth 6: a short column is still six wide.
    expect(tabbed('A\tB\nx\ty\n', TABLE_LAYOUT)).toBe('A     B\nx     y\n');
  });

  it('starts a new column block after a line without tabs (describe layout)', () => {
    const text = 'Name:\tweb\nNamespace:\tdemo\nPod Template:\n  Labels:\tapp=web\n  Containers:\n   web:\n    Image:\tnginx\n    Host Port:\t0/TCP\n  Volumes:\t<none>\nEvents:\t<none>\n';
    expect(tabbed(text, DESCRIBE_LAYOUT)).toBe(
      [
        'Name:       web',
        'Namespace:  demo',
        'Pod Template:',
        '  Labels:  app=web',
        '  Containers:',
        '   web:',
        '    Image:      nginx',
        '    Host Port:  0/TCP',
        '  Volumes:      <none>',
        'Events:         <none>',
        '',
      ].join('\n'),
    );
  });

  it('aligns nested columns only within lines that have them', () => {
    expect(tabbed('a\tbb\tc\naaaa\tb\nx\n', { minWidth: 0, padding: 1 })).toBe('a    bb c\naaaa b\nx\n');
  });

  it('keeps empty cells as padding and leaves the last cell unpadded', () => {
    expect(tabbed('IP:\t\nIPs:\t<none>\n', DESCRIBE_LAYOUT)).toBe('IP:   \nIPs:  <none>\n');
  });

  it('remembers widths across flushes when asked (watch rows stay aligned)', () => {
    const w = new TabWriter(TABLE_LAYOUT);
    w.write('NAME\tREADY\nlong-name-here\t0/1\n');
    w.flush();
    w.write('a\t1/1\n');
    expect(w.take()).toBe('NAME             READY\nlong-name-here   0/1\na                1/1\n');
    w.resetWidths();
    w.write('a\t1/1\n');
    expect(w.take()).toBe('a     1/1\n');
  });
});
