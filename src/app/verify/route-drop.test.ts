import { describe, expect, it } from 'vitest'
import { zoneFor } from './route-drop.ts'

describe('routing dropped files by what they are', () => {
  it('sends a layout, a key, links and archives where they belong from any zone', () => {
    expect(zoneFor('products', 'layout', 'root.layout')).toBe('layout')
    expect(zoneFor('links', 'layout', 'root.layout')).toBe('layout')
    expect(zoneFor('layout', 'key', 'alice.pub')).toBe('ownerKeys')
    expect(zoneFor('ownerKeys', 'link', 'build.0123abcd.link')).toBe('links')
    expect(zoneFor('layout', 'archive', 'links.tar.gz')).toBe('links')
    expect(zoneFor('ownerKeys', 'archive', 'hello.tar')).toBe('products')
    expect(zoneFor('products', 'key', 'release.pub')).toBe('ownerKeys')
  })

  it('lets each zone keep what it is meant for', () => {
    expect(zoneFor('links', 'layout', 'vendor.0123abcd.link')).toBe('links')
    expect(zoneFor('links', 'layout', 'vendor.0123abcd/sub.layout')).toBe('links')
    expect(zoneFor('links', 'archive', 'links.zip')).toBe('links')
    expect(zoneFor('products', 'archive', 'hello.tar.gz')).toBe('products')
    expect(zoneFor('products', 'unknown', 'hello.txt')).toBe('products')
    // Nothing recognizable stays, so that zone says what is wrong with it.
    expect(zoneFor('links', 'unknown', 'broken.link')).toBe('links')
    expect(zoneFor('layout', 'unknown', 'root.layout')).toBe('layout')
    expect(zoneFor('layout', 'layout', 'root.layout')).toBe('layout')
  })
})
