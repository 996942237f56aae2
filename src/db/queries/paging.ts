/** Page numbers as clients send them; the route schema bounds both. */
export interface PageRequest {
  page: number
  pageSize: number
}

export interface Page<T> extends PageRequest {
  items: T[]
  total: number
}

export const DEFAULT_PAGE_SIZE = 20
export const MAX_PAGE_SIZE = 100

export function pageOffset ({ page, pageSize }: PageRequest): number {
  return (page - 1) * pageSize
}
