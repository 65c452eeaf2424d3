export { buildImages } from './build-images.js';
export type { BuildImagesOptions } from './build-images.js';
export { DEFAULT_DOCKER_HOST, DockerUnreachableError, connectDocker, dockerHostFrom, parseDockerHost } from './docker-host.js';
export type { DockerAddress } from './docker-host.js';
export { LOCAL_IMAGE_TAGS, normalizeTag, reportLine, selectImages } from './image-selection.js';
export type { ImageBuildReport, ImageSelection } from './image-selection.js';
export { dockerHumanDuration, formatImageList, humanSize, listMeshImages } from './image-list.js';
export type { LocalImage } from './image-list.js';
export { imageCommand } from './image-command.js';
