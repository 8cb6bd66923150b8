import { describe, expect, it } from 'vitest'
import { filesFromEntries, filesFromInput, type EntryLike } from './collect.ts'

function fileEntry(name: string): EntryLike {
  return { isFile: true, isDirectory: false, name, file: (success) => success(new File([name], name)) }
}

/** A directory whose reader hands out its children in batches of two, as browsers batch them. */
function dirEntry(name: string, children: EntryLike[]): EntryLike {
  return {
    isFile: false,
    isDirectory: true,
    name,
    createReader() {
      let at = 0
      return {
        readEntries(success) {
          success(children.slice(at, at + 2))
          at += 2
        },
      }
    },
  }
}

describe('collecting dropped folders', () => {
  it('walks folders in batches, drops the outer folder name, keeps sublayout folders', async () => {
    const dropped = dirEntry('links', [
      fileEntry('a.11111111.link'),
      fileEntry('b.22222222.link'),
      dirEntry('build.99c9631e', [fileEntry('test.d47817f7.link'), fileEntry('compile.56e1cf89.link'), fileEntry('x.link')]),
    ])
    const files = await filesFromEntries([dropped, fileEntry('loose.link'), dirEntry('deploy.0123abcd', [fileEntry('s.link')])])
    expect(files.map((file) => file.path)).toEqual([
      'a.11111111.link',
      'b.22222222.link',
      'build.99c9631e/test.d47817f7.link',
      'build.99c9631e/compile.56e1cf89.link',
      'build.99c9631e/x.link',
      'loose.link',
      'deploy.0123abcd/s.link',
    ])
    expect(await files[0]?.file.text()).toBe('a.11111111.link')
  })

  it('strips the picked folder from directory-picker paths', () => {
    const picked = (relative: string) => Object.defineProperty(new File(['x'], relative.split('/').pop() as string), 'webkitRelativePath', { value: relative })
    expect(
      filesFromInput([picked('links/a.link'), picked('links/build.99c9631e/t.link'), picked('build.99c9631e/t.link'), new File(['x'], 'plain.link')]).map((file) => file.path),
    ).toEqual(['a.link', 'build.99c9631e/t.link', 'build.99c9631e/t.link', 'plain.link'])
  })
})
